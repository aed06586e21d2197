import type { VmId } from '../model/ids.js';
import type { World } from '../world/world.js';
import type { Breach, Invariant } from './invariant.js';

/** The acceptances in the guests of `vms` not made on verified evidence of the current lock. */
function staleAcceptances(w: World, vms: Iterable<VmId>): Breach[] {
  const out: Breach[] = [];
  for (const vm of vms)
    for (const tdi in w.guests[vm]?.devices) {
      const d = w.guests[vm]?.devices[tdi];
      if (!d) continue;
      const accepted = d.acceptance !== undefined || d.accepted.length > 0 || d.running;
      if (!accepted) continue;
      // The acceptance record is made only on verified, fresh evidence; fetching evidence again
      // later (re-attestation) clears `verified` but does not undo an acceptance made on it.
      if (!d.acceptance) out.push({ message: `${vm} accepted ${tdi} without verified evidence`, objects: [tdi, vm] });
      else if (d.acceptance.evidenceEpoch !== d.acceptance.tdiEpoch)
        out.push({ message: `${vm} accepted ${tdi} on evidence from lock #${d.acceptance.evidenceEpoch}, but the TDI had been locked again (#${d.acceptance.tdiEpoch})`, objects: [tdi, vm] });
    }
  return out;
}

/**
 * 4. The guest accepts a TDI only after verifying its evidence; a host unlock/relock between
 * evidence and accept is detected. An acceptance records (as ghost state) the lock epoch its
 * evidence came from and the TDI's epoch at that moment: they differ when the host relocked in
 * between and the guest did not notice.
 */
export const acceptOnlyFreshEvidence: Invariant = {
  number: 4,
  id: 'accept-only-verified-fresh-evidence',
  description: 'The guest accepts a TDI only after verifying its evidence; a host unlock/relock between evidence and accept is detected.',
  when: 'every-step',
  check: (w) => staleAcceptances(w, Object.keys(w.guests)),
  checkVms: staleAcceptances,
};
