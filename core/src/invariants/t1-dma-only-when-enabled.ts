import type { Breach, Invariant } from './invariant.js';

/**
 * 3. T=1 DMA reaches guest memory only while the TDI is RUN and the guest enabled it. A TDI
 * issues T=1 DMA only in RUN (TDISP), so DMA reaches memory when the TDI is RUN and the trusted
 * context translates; the guest must have enabled that.
 */
export const t1DmaOnlyWhenEnabled: Invariant = {
  number: 3,
  id: 't1-dma-only-when-run-and-enabled',
  description: 'T=1 DMA reaches guest memory only while the TDI is RUN and the guest enabled it.',
  when: 'every-step',
  check(w) {
    const out: Breach[] = [];
    for (const { tdi, vm } of w.spec.assignments) {
      if (w.link.tdiState(tdi) !== 'RUN' || !w.ports.iommu.t1Translates(vm, tdi)) continue;
      if (!w.guests[vm]?.devices[tdi]?.dmaEnabled) out.push({ message: `T=1 DMA from ${tdi} (RUN) reaches ${vm}'s memory, but the guest did not enable DMA`, objects: [tdi, vm] });
    }
    return out;
  },
};
