import type { Bdf } from '../model/ids.js';
import type { Assignment } from '../world/platform.js';
import type { World } from '../world/world.js';
import type { Breach, Invariant } from './invariant.js';

/** T=1 DMA of `assignments` that reaches memory of a VM that did not enable it. */
function unenabledDma(w: World, assignments: Iterable<Assignment>): Breach[] {
  const out: Breach[] = [];
  for (const { tdi, vm } of assignments) {
    if (w.link.tdiState(tdi) !== 'RUN' || !w.ports.iommu.t1Translates(vm, tdi)) continue;
    if (!w.guests[vm]?.devices[tdi]?.dmaEnabled) out.push({ message: `T=1 DMA from ${tdi} (RUN) reaches ${vm}'s memory, but the guest did not enable DMA`, objects: [tdi, vm] });
  }
  return out;
}

/** The assignments of `tdis` (a TDI no VM has cannot reach a VM's memory). */
function assignmentsOf(w: World, tdis: readonly Bdf[]): Assignment[] {
  const out: Assignment[] = [];
  for (const tdi of tdis) {
    const a = w.assignmentOf(tdi);
    if (a) out.push(a);
  }
  return out;
}

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
  check: (w) => unenabledDma(w, w.spec.assignments),
  // Only a RUN TDI issues T=1 DMA, and RUN is a locked state.
  checkTdis: (w, tdis) => unenabledDma(w, assignmentsOf(w, tdis)),
};
