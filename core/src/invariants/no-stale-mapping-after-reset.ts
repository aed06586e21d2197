import type { Breach, Invariant } from './invariant.js';

/**
 * 7. FLR or loss of BME/MSE on a bound TDI never leaves stale private mappings to a reset
 * device: once the reset has been handled, no mapping the firmware holds predates it.
 */
export const noStaleMappingAfterReset: Invariant = {
  number: 7,
  id: 'no-stale-mapping-after-reset',
  description: 'FLR or loss of BME/MSE on a bound TDI never leaves stale private mappings to a reset device.',
  when: 'settled',
  check(w) {
    const out: Breach[] = [];
    for (const m of w.ports.mmio.view()) {
      const mapped = w.host.kvm[m.vm]?.privateMmio[m.tdi]?.find((r) => r.rangeIndex === m.rangeIndex);
      const now = w.host.pci[m.tdi]?.resetEpoch ?? 0;
      if (mapped && mapped.resetEpoch < now)
        out.push({ message: `range ${m.rangeIndex} of ${m.tdi} is still mapped into ${m.vm} after the function was reset`, objects: [m.tdi, m.vm] });
    }
    return out;
  },
};
