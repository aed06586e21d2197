import { type Bdf, type FwResult, MmioRangeAttribute, OK, decodeDeviceInterfaceReport, fail, fromHex, ok } from '@teeio/core';
import type { MmioConfigStatusName, SdteWriteStatusName } from '../codes.js';
import { type PspContext, sev } from './command.js';
import { exchange, replyText, tdispRequest } from './exchange.js';
import type { Program, TdiCtx } from './state.js';
import { type TdiInfo, tdiInfoOf } from './tdi-context.js';

/**
 * The guest's messages through TIO_GUEST_REQUEST, VMPCK-protected [REF §2]: TDI_INFO, SDTE_WRITE
 * and MMIO_CONFIG (MMIO_VALIDATE, with the RMP, is mmio-validate.ts). Each answers with its
 * message's own status; the PSP command itself succeeds.
 */

/** An sDTE as the guest asks for it (SDTE_WRITE_REQ's v, ir/iw, vtom_en, vtom). */
export interface SdteRequest {
  readonly valid: boolean;
  readonly dmaEnabled: boolean;
  readonly vtomEn: boolean;
  readonly vtom: bigint;
}

/** The TDI context a guest message names, if it is the guest's. */
export function guestTdi({ fw }: PspContext, tdi: Bdf, gctx: string): TdiCtx | undefined {
  const t = fw.state.tdis[tdi];
  return t && (t.gctx === gctx || !fw.enforces('guest-request-requires-owner')) ? t : undefined;
}

/** TDI_INFO_REQ: bind status, lock flags, the certificate, measurement and report digests, tdi_report_count. */
export function guestTdiInfo(ctx: PspContext, tdi: Bdf, gctx: string): FwResult<TdiInfo> {
  const t = guestTdi(ctx, tdi, gctx);
  return t ? ok(tdiInfoOf(ctx, t)) : sev('SEV_RET_INVALID_GUEST', `${tdi} is not this guest's`);
}

/** SDTE_WRITE_REQ: a valid entry needs a bound TDI; an invalid one is accepted until the context is reclaimed. */
export function sdteWrite(ctx: PspContext, tdi: Bdf, gctx: string, e: SdteRequest): FwResult {
  const w = (status: SdteWriteStatusName, detail: string) => fail(status, detail);
  const t = guestTdi(ctx, tdi, gctx);
  const sdte = ctx.fw.state.sdtes[tdi];
  if (!t || !sdte) return w('SDTE_WRITE_INVALID_TDI', `${tdi} is not this guest's`);
  if (e.valid && t.status === 'UNBOUND' && ctx.fw.enforces('sdte-write-requires-bound')) return w('SDTE_WRITE_TDI_NOT_BOUND', `${tdi} is not bound`);
  Object.assign(sdte, { valid: e.valid, dmaEnabled: e.valid && e.dmaEnabled, vtomEn: e.vtomEn, vtom: e.vtom.toString(16) });
  return OK;
}

/** MMIO_CONFIG_REQ's work: a read, or a write through TDISP SET_MMIO_ATTRIBUTE_REQUEST (RUN only). */
export function* mmioConfigProgram(ctx: PspContext, tdi: Bdf, gctx: string, rangeId: number, write: boolean | undefined): Program<FwResult<{ nonTee: boolean }>> {
  const { fw } = ctx;
  const c = (status: MmioConfigStatusName, detail: string) => fail(status, detail);
  const t = guestTdi(ctx, tdi, gctx);
  if (!t) return c('MMIO_CONFIG_INVALID_TDI', `${tdi} is not this guest's`);
  if ((t.status === 'UNBOUND' && fw.enforces('mmio-config-requires-bound')) || !t.report) return c('MMIO_CONFIG_TDI_UNBOUND', `${tdi} is not bound`);
  const ranges = decodeDeviceInterfaceReport(fromHex(t.report))
    .message.mmioRanges.map((r, index) => ({ r, index }))
    .filter(({ r }) => r.rangeId === rangeId);
  if (ranges.length === 0 && fw.enforces('guest-range-requires-reported')) return c('MMIO_CONFIG_NOT_REPORTED', `range id ${rangeId} is not in the report`);
  const nonTee = (i: number, attributes: number) => t.nonTee[i] ?? (attributes & MmioRangeAttribute.IS_NON_TEE_MEM) !== 0;
  if (write === undefined) return ok({ nonTee: ranges.every(({ r, index }) => nonTee(index, r.rangeAttributes)) });
  const fixed = ranges.find(({ r }) => (r.rangeAttributes & MmioRangeAttribute.IS_MEM_ATTR_UPDATABLE) === 0);
  if (fixed && fw.enforces('mmio-config-requires-updatable')) return c('MMIO_CONFIG_COULD_NOT_CHANGE', `range ${fixed.index} (id ${rangeId}) is not IS_MEM_ATTR_UPDATABLE`);
  for (const { r, index } of ranges) {
    const attributes = (r.rangeAttributes & ~MmioRangeAttribute.IS_NON_TEE_MEM) | (write ? MmioRangeAttribute.IS_NON_TEE_MEM : 0);
    const reply = yield* exchange(tdispRequest(tdi, { messageType: 'SET_MMIO_ATTRIBUTE_REQUEST', mmioRange: { ...r, rangeAttributes: attributes } }));
    if (reply.proto !== 'TDISP' || reply.message.messageType !== 'SET_MMIO_ATTRIBUTE_RESPONSE') return c('MMIO_CONFIG_COULD_NOT_CHANGE', `SET_MMIO_ATTRIBUTE_REQUEST: ${replyText(reply)}`);
    t.nonTee[index] = write;
  }
  return ok({ nonTee: write });
}
