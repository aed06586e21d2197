import { hostMapsMmio } from '../host/vfio.js';
import { MmioRangeAttribute, rangeBase } from '../wire/index.js';
import type { Bdf } from '../model/ids.js';
import type { World } from '../world/world.js';
import type { Breach, Invariant } from './invariant.js';

function locked(w: World): string[] {
  return w.link.functions.filter((b) => w.link.isTdi(b) && ['CONFIG_LOCKED', 'RUN'].includes(w.link.tdiState(b)));
}

/** Host accesses that reach the private MMIO of the locked TDIs among `tdis`. */
function hostReaches(w: World, tdis: readonly Bdf[]): Breach[] {
  const out: Breach[] = [];
  for (const tdi of tdis) {
    // What LOCK fixed exists exactly while the TDI is CONFIG_LOCKED or RUN.
    const fixed = w.link.lockedInterface(tdi);
    if (!fixed) continue;
    const mapped = hostMapsMmio(w, tdi);
    for (const r of fixed.report.mmioRanges) {
      if ((r.rangeAttributes & MmioRangeAttribute.IS_NON_TEE_MEM) !== 0) continue;
      const hpa = rangeBase(r) - fixed.mmioReportingOffset;
      const outcome = w.ports.mmio.hostAccessOutcome(hpa, mapped);
      if (outcome.reaches)
        out.push({ message: `a hypervisor access to 0x${hpa.toString(16)} (range ${r.rangeId} of ${tdi}, ${w.link.tdiState(tdi)}) reaches the device: ${outcome.effect}`, objects: [tdi] });
    }
  }
  return out;
}

/** 1. While a TDI is CONFIG_LOCKED or RUN, the hypervisor cannot read or write its private MMIO. */
export const hostCannotTouchPrivateMmio: Invariant = {
  number: 1,
  id: 'host-cannot-touch-private-mmio',
  description: 'While a TDI is CONFIG_LOCKED or RUN, the hypervisor cannot read or write its private MMIO.',
  when: 'every-step',
  check: (w) => hostReaches(w, locked(w)),
  checkTdis: hostReaches,
};
