import type { VmId } from '../model/ids.js';
import type { World } from '../world/world.js';
import type { Breach, Invariant } from './invariant.js';

/**
 * The vendor call behind the last fatal failure: the host decides a failure is fatal (KVM_BUG_ON
 * on a failed S-EPT MMIO hook), so the call that failed sits inside the fatal step's span.
 */
function causeOf(w: World): string | undefined {
  const entries = w.tracer.entries;
  const fatal = entries.findLast((e) => e.fatal);
  if (!fatal) return undefined;
  const call = entries.findLast((e) => e.actor === 'firmware' && e.seq >= fatal.seq && e.result === fatal.result);
  return call && call !== fatal ? `${call.op} returned ${call.result} (in ${fatal.op})` : `${fatal.op} returned ${fatal.result}`;
}

/** The VMs of `vms` KVM killed. */
function killedVms(w: World, vms: Iterable<VmId>): Breach[] {
  const out: Breach[] = [];
  for (const vm of vms) {
    const killed = w.host.kvm[vm]?.killed;
    if (killed !== undefined) out.push({ message: `${vm} was killed (KVM_BUG_ON): ${causeOf(w) ?? killed}`, objects: [vm] });
  }
  return out;
}

/** 5. No step triggers a fatal firmware error (the kind that kills the VM) in a correct plan. */
export const noFatalFirmwareError: Invariant = {
  number: 5,
  id: 'no-fatal-firmware-error',
  description: 'No step triggers a fatal firmware error (the kind that kills the VM) in a correct plan.',
  when: 'every-step',
  check: (w) => killedVms(w, Object.keys(w.host.kvm)),
  checkVms: killedVms,
};
