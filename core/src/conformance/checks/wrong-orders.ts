import type { DependencyContainer } from 'tsyringe';
import type { StepName } from '../../lifecycle/vocabulary.js';
import type { Bdf, VmId } from '../../model/ids.js';
import type { LoadedPlugin } from '../../plugin/loaded-plugin.js';
import type { ScenarioDriver } from '../../scenario/driver.js';
import type { World } from '../../world/world.js';
import { type ConformanceCheck, findings } from '../check.js';
import { type Driven, drive, endOf, guard } from '../drive.js';
import { lifecycleExample } from '../examples.js';

/** The running TDI a wrong order is done to. */
interface Target {
  readonly tdi: Bdf;
  readonly vm: VmId;
  readonly dsm: Bdf;
}

/** The lifecycle's actions up to a running TDI: connect, createVpci, bind, accept. */
const TO_RUN = 4;

/**
 * A teardown done in an order every arch forbids (PRODUCT.md, the seed thread): what the host
 * does, and what the firmware would still hold had it accepted without carrying it out.
 */
interface WrongOrder {
  readonly name: string;
  /** Does it; a refusal the host never sees as a step (a direct firmware call) comes back as its code. */
  perform(d: ScenarioDriver, t: Target): string | undefined;
  undone(w: World, t: Target): string[];
}

const tdiHeld = (w: World, t: Target) => [
  ...w.ports.tsm.view().tdis.filter((x) => x.tdi === t.tdi).map(() => `the TDI context of ${t.tdi}`),
  ...(['CONFIG_LOCKED', 'RUN'].includes(w.link.tdiState(t.tdi)) ? [`${t.tdi} in ${w.link.tdiState(t.tdi)}`] : []),
];

/** The VMM closes the device, the vIOMMU (its KVM reference) and the VM fd: KVM destroys the VM. */
const VMM_CLOSES: readonly StepName[] = ['vfio.close', 'iommufd.viommu-destroy', 'vm.destroy'];

const ORDERS: readonly WrongOrder[] = [
  {
    name: 'unbind before stop',
    perform: (d, t) => void d.engine.step('tsm.unbind', t),
    undone: tdiHeld,
  },
  {
    // The VMM closes the device and the VM without unbinding (the seed thread's VM destroy race).
    name: 'VM destroy with a bound TDI',
    perform: (d, t) => void VMM_CLOSES.forEach((s) => d.engine.step(s, t)),
    undone: (w, t) => [...(w.ports.tsm.view().vms.includes(t.vm) ? [`the firmware VM ${t.vm}`] : []), ...tdiHeld(w, t)],
  },
  {
    // The PCI core refuses tsm/disconnect while a TDI is bound (-EBUSY) before the firmware is
    // asked (sev-tio.md, tsm-host.c `if (tdev->bound)`); the kit asks the firmware itself.
    name: 'disconnect with a bound TDI',
    perform: (d, t) => {
      const r = d.w.ports.tsm.disconnect(t.dsm, false);
      if (!r.ok) return `the tsm port's disconnect: ${r.code}`;
      const f = d.w.host.pci[t.dsm];
      if (f) f.connected = false;
      return undefined;
    },
    undone: (w, t) => [...(w.ports.tsm.view().sessions.includes(t.dsm) ? [`the SPDM session with ${t.dsm}`] : []), ...tdiHeld(w, t)],
  },
];

/** The steps the wrong order ran that did not succeed, as `step CODE`. */
function refusedSteps(r: Driven, since: number): string[] {
  return r.d.engine.records
    .slice(since)
    .filter((x) => x.result !== 'ok' && x.result !== 'skipped')
    .map((x) => `${x.step} ${x.result}`);
}

/**
 * One wrong order on a running TDI: refused with some error, or accepted and either carried out
 * (nothing of it left in the firmware, the TDI unlocked) or caught by an invariant. Accepted with
 * nothing done and nothing caught is the silent acceptance this check exists to find.
 */
function verdict(o: WrongOrder, plugin: LoadedPlugin, parent: DependencyContainer): { problem?: string; outcome: string } {
  const s = lifecycleExample();
  const running = drive(s, plugin, parent, { until: TO_RUN });
  const notRunning = endOf(running) ?? running.d.flows.filter((f) => !f.ok).map((f) => `flow ${f.flow} failed at ${f.failedStep}: ${f.code}`)[0];
  if (notRunning) return { problem: `${o.name}: the lifecycle does not reach RUN: ${notRunning}`, outcome: '' };
  const d = running.d;
  const tdi = s.assign[0]?.tdi ?? '';
  const t = { tdi, vm: d.w.assignment(tdi).vm, dsm: d.w.link.dsmOf(tdi) };
  const since = d.engine.records.length;
  let direct: string | undefined;
  const r = guard(d, () => (direct = o.perform(d, t)));
  const refused = [...(direct ? [direct] : []), ...refusedSteps(r, since)];
  if (refused.length > 0) return { outcome: `${o.name}: refused (${refused.join(', ')})` };
  if (r.violation) return { outcome: `${o.name}: accepted, caught by invariant ${r.violation.invariant}` };
  if (r.threw !== undefined) return { problem: `${o.name}: the plugin threw: ${r.threw}`, outcome: '' };
  const undone = o.undone(d.w, t);
  if (undone.length === 0) return { outcome: `${o.name}: accepted and carried out` };
  const settled = guard(d, () => d.finish());
  if (settled.violation) return { outcome: `${o.name}: accepted, caught by invariant ${settled.violation.invariant}` };
  return { problem: `${o.name}: accepted silently: ${undone.join(', ')} remain and no invariant is broken`, outcome: '' };
}

/**
 * The firmware refuses each wrong order of the arch-neutral set with some error rather than
 * silently accepting it, and what it accepts the invariants catch.
 */
export const wrongOrdersCheck: ConformanceCheck = {
  id: 'wrong-orders',
  title: 'each wrong teardown order is refused, carried out, or caught by an invariant',
  needsPlugin: true,
  run({ parent }, plugin) {
    const verdicts = ORDERS.map((o) => verdict(o, plugin, parent));
    return findings(verdicts.flatMap((v) => (v.problem ? [v.problem] : [])), verdicts.map((v) => v.outcome).join('; '));
  },
};
