import { readFileSync } from 'node:fs';
import { type Scenario, type ScenarioAction, formatRequesterId } from '@teeio/core';

/** examples/lifecycle.json as plain data: one VF's whole lifecycle in vm0 on the default device. */
const LIFECYCLE = JSON.parse(readFileSync(new URL('../examples/lifecycle.json', import.meta.url), 'utf8')) as Scenario & { $schema?: string };

const VF0 = '0000:01:00.1';

/** The name of VF `n` (from 0) of the default device: Routing ID 0x0101 + n. */
export const vfName = (n: number): string => `0000:${formatRequesterId(0x0101 + n)}`;

/**
 * The lifecycle with `vms` VMs and `vfs` VFs, VF n assigned to VM n mod `vms`, and only VF 0 (in
 * vm0) taken through it: how a large platform's size shows in the time of one lifecycle. vm0's
 * destroy names VF 0, so it unbinds that one TDI rather than every TDI the VM holds.
 */
export function sizedLifecycle(vms: number, vfs: number): Scenario {
  const { $schema: _, ...base } = LIFECYCLE;
  const steps: ScenarioAction[] = base.steps.map((s) => ('flow' in s && s.flow === 'vmDestroy' ? { ...s, tdi: VF0 } : s));
  return {
    ...base,
    name: `lifecycle-${vms}-vms-${vfs}-vfs`,
    platform: { devices: [{ id: 'nic0', preset: 'default', vfs }] },
    vms: Array.from({ length: vms }, (_, i) => `vm${i}`),
    assign: Array.from({ length: vfs }, (_, n) => ({ tdi: vfName(n), vm: `vm${n % vms}`, guestRid: 8 })),
    steps,
  };
}
