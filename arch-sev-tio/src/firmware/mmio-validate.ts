import { type Bdf, type FwResult, MmioRangeAttribute, decodeDeviceInterfaceReport, fail, fromHex, ok, pagesEnd, rangeBase } from '@teeio/core';
import type { MmioValidateStatusName } from '../codes.js';
import type { PspContext } from './command.js';
import { guestTdi } from './guest-request.js';
import { rmpEntryAt, rmpUpdatePages } from './rmp.js';
import { PAGE, type TdiCtx } from './state.js';

/** The MMIO_VALIDATE request [GST struct tio_msg_mmio_validate_req]. */
export interface MmioValidateReq {
  readonly gpa: bigint;
  readonly pages: number;
  readonly rangeId: number;
  /** Offset of the subrange within the report range of `rangeId`. */
  readonly rangeOffset: bigint;
  readonly validated: boolean;
  /** force_validated: set the Validated bit even if it is not uniform over the subrange. */
  readonly force?: boolean;
}

/** TEE ranges of the TDI's report with `rangeId` (IS_NON_TEE_MEM from the report or MMIO_CONFIG excluded). */
function teeRangesOf(t: TdiCtx, rangeId: number): { index: number; base: bigint; end: bigint; attributes: number }[] {
  if (!t.report) return [];
  return decodeDeviceInterfaceReport(fromHex(t.report))
    .message.mmioRanges.map((r, index) => ({ index, r }))
    .filter(({ r, index }) => r.rangeId === rangeId && (r.rangeAttributes & MmioRangeAttribute.IS_NON_TEE_MEM) === 0 && !t.nonTee[index])
    .map(({ r, index }) => ({ index, base: rangeBase(r), end: pagesEnd(rangeBase(r), r.numberOfPages), attributes: r.rangeAttributes }));
}

/**
 * TIO_MSG_MMIO_VALIDATE_REQ, "AMD's 'pvalidate' for MMIO" [REF §2]: sets RMP.Validated over a
 * subrange of a reported range after checking that every page is assigned to the guest's ASID
 * with the TDI's stream, uniformly (in)validated, immutable while not validated, and mapped at
 * the GPA the guest expects — the RMP update KVM made after bind is what it checks. The command
 * succeeds; the response's status is what the trace shows. validated=0 is accepted from an
 * unbound (not yet reclaimed) TDI: the guest gives up.
 */
export function mmioValidate(ctx: PspContext, dsm: Bdf, tdi: Bdf, gctx: string, q: MmioValidateReq): FwResult<{ changed: boolean }> {
  const { fw } = ctx;
  const s = fw.state;
  const v = (status: MmioValidateStatusName, detail: string) => fail(status, detail);
  const t = guestTdi(ctx, tdi, gctx);
  if (!t) return v('MMIO_VALIDATE_INVALID_TDI', `${tdi} is not this guest's`);
  if (q.validated && t.status === 'UNBOUND' && fw.enforces('mmio-validate-requires-bound')) return v('MMIO_VALIDATE_TDI_UNBOUND', `${tdi} is not bound`);
  const ranges = teeRangesOf(t, q.rangeId);
  if (ranges.length === 0 && fw.enforces('guest-range-requires-reported')) return v('MMIO_VALIDATE_NOT_REPORTED', `range id ${q.rangeId} is not a TEE range of the report`);
  const base = ranges.reduce((m, r) => (r.base < m ? r.base : m), ranges[0]?.base ?? 0n);
  const end = ranges.reduce((m, r) => (r.end > m ? r.end : m), 0n);
  const first = base + q.rangeOffset;
  if ((q.pages <= 0 || q.rangeOffset < 0n || pagesEnd(first, q.pages) > end) && fw.enforces('mmio-validate-within-range')) return v('MMIO_VALIDATE_OUT_OF_RANGE', `offset 0x${q.rangeOffset.toString(16)} + ${q.pages} page(s) is outside range ${q.rangeId}`);
  const pages = Array.from({ length: q.pages }, (_, i) => ({ hpa: first + BigInt(i) * PAGE, gpa: q.gpa + BigInt(i) * PAGE }));
  const entries = pages.map((p) => rmpEntryAt(s.rmp, p.hpa));
  const asid = t.asid ?? 0;
  const stream = s.devices[dsm]?.ideStreamIds[0];
  const notAssigned = entries.findIndex((e) => !e || e.asid !== asid || e.ideStreamId !== stream);
  if (notAssigned >= 0 && fw.enforces('mmio-validate-requires-assigned')) return v('MMIO_VALIDATE_NOT_ASSIGNED', `page 0x${pages[notAssigned]?.hpa.toString(16)} is not assigned to ASID ${asid} with IDE stream ${stream}`);
  const assigned = entries.filter((e) => e !== undefined);
  if (!q.force && assigned.some((e) => e.validated !== assigned[0]?.validated) && fw.enforces('mmio-validate-requires-uniform')) return v('MMIO_VALIDATE_NOT_UNIFORM', 'the Validated bit is not uniform over the subrange');
  const mutable = assigned.findIndex((e) => !e.validated && !e.immutable);
  if (mutable >= 0 && fw.enforces('mmio-validate-requires-immutable')) return v('MMIO_VALIDATE_NOT_IMMUTABLE', `page 0x${pages[mutable]?.hpa.toString(16)} is not immutable`);
  const unmapped = assigned.findIndex((e, i) => e.pageGpa !== pages[i]?.gpa);
  if (unmapped >= 0 && fw.enforces('mmio-validate-requires-mapped-gpa')) return v('MMIO_VALIDATE_NOT_MAPPED', `page 0x${pages[unmapped]?.hpa.toString(16)} is mapped at GPA 0x${assigned[unmapped]?.pageGpa.toString(16)}, not 0x${pages[unmapped]?.gpa.toString(16)}`);
  const changed = assigned.some((e) => e.validated !== q.validated);
  s.rmp = rmpUpdatePages(s.rmp, first, q.pages, (e) => ({ ...e, validated: q.validated }));
  const record = { rangeId: q.rangeId, gpa: q.gpa.toString(16), hpa: first.toString(16), pages: q.pages };
  const overlaps = (r: { hpa: string; pages: number }) => BigInt(`0x${r.hpa}`) < pagesEnd(first, q.pages) && first < pagesEnd(BigInt(`0x${r.hpa}`), r.pages);
  t.validated = [...t.validated.filter((r) => !overlaps(r)), ...(q.validated ? [record] : [])];
  return ok({ changed });
}
