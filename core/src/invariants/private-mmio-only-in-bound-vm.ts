import { teeRangesOfHex } from '../host/mmio-layout.js';
import type { PrivateMapping } from '../ports/mmio.js';
import type { Breach, Invariant } from './invariant.js';

/** A mapping as a breach names it: made only for a breach (a bigint in hex costs more than the check). */
const where = (m: PrivateMapping): string => `range ${m.rangeIndex} of ${m.tdi} at GPA 0x${m.gpa.toString(16)}`;

/**
 * 2. Private MMIO of a TDI is mapped only into the VM it is bound to, and that VM can use it only
 * at addresses it accepted or validated against the TDI's interface report.
 */
export const privateMmioOnlyInBoundVm: Invariant = {
  number: 2,
  id: 'private-mmio-only-in-bound-vm',
  description: 'Private MMIO of a TDI is mapped only into the VM it is bound to, and usable there only at addresses the VM accepted against its interface report.',
  when: 'every-step',
  check(w) {
    const out: Breach[] = [];
    for (const m of w.ports.mmio.view()) {
      const bound = w.host.pci[m.tdi]?.bound;
      if (bound?.vm !== m.vm) out.push({ message: `${where(m)} is mapped into ${m.vm}, but the TDI is ${bound ? `bound to ${bound.vm}` : 'not bound'}`, objects: [m.tdi, m.vm] });
      if (!m.guestUsable) continue;
      const guest = w.guests[m.vm]?.devices[m.tdi];
      const verified = guest?.evidence ? teeRangesOfHex(guest.evidence.blobs.interfaceReport, guest.guestRid) : [];
      const accepted = verified.find((r) => r.rangeIndex === m.rangeIndex && guest?.accepted.includes(r.rangeIndex));
      if (!accepted || accepted.gpa !== m.gpa || accepted.hpa !== m.hpa)
        out.push({ message: `${where(m)} (HPA 0x${m.hpa.toString(16)}) is usable by ${m.vm} but was not accepted there against the verified report`, objects: [m.tdi, m.vm] });
    }
    return out;
  },
};
