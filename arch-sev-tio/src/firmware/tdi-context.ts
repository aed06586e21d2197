import {
  type Bdf,
  type FwErr,
  type FwResult,
  LOCK_FLAGS_RESERVED_SHIFT,
  LockInterfaceFlag,
  OK,
  TdiState,
  type TdiStateName,
  fromHex,
  ok,
  parseBdf,
  sha384,
  toHex,
} from '@teeio/core';
import { LOCK_FLAG_MUST_BE, type TdiBindStatus } from '../codes.js';
import { type PspContext, sev } from './command.js';
import { notConnected } from './device-context.js';
import { exchange, output, readReport, replyText, tdispRequest } from './exchange.js';
import type { DevCtx, Program, SevTioFirmware, TdiCtx } from './state.js';

/**
 * The TDI context (TIO_TDI_CREATE … TIO_TDI_RECLAIM), keyed by the TDI's host BDF: binding to a
 * guest (LOCK), RUN, STOP, the interface report and the PSP's view of the binding [REF §1].
 */

/** vTOM's default: the maximum, so every DMA address is private [REF §2]. */
export const VTOM_MAX = 0xffff_ffff_ffffn;

const TDI_STATE_NAMES = new Map<number, TdiStateName>(Object.entries(TdiState).map(([k, v]) => [v, k as TdiStateName]));

/** What TIO_TDI_BIND is given: the guest (context page, guest BDF), the LOCK flags, RUN_FORCE, the output buffer's size. */
export interface BindParams {
  readonly gctx: string;
  readonly guestDeviceId: number;
  readonly lockFlags: number;
  readonly run: boolean;
  readonly outputLen: number;
}

/** What TIO_TDI_INFO and the guest's TDI_INFO_REQ return [REF §1, §2]. */
export interface TdiInfo {
  readonly status: TdiBindStatus;
  readonly lockFlags: number;
  readonly certsDigest: string;
  readonly measDigest: string;
  readonly interfaceReportDigest: string;
  readonly intfReportCounter: number;
  readonly asid: number;
}

/** TIO_TDI_CREATE: a TDI context whose TDISP interface id is the host RID. */
export function tdiCreate(ctx: PspContext, dsm: Bdf, tdi: Bdf): FwResult {
  const { fw, link } = ctx;
  const dev = fw.state.devices[dsm];
  if (!dev) return sev('SEV_RET_SEV_STATUS_INVALID_DEV_CTX', `no device context for ${dsm}`);
  const refused = notConnected(ctx, dsm, dev, 'tdi-create-requires-connected');
  if (refused) return refused;
  if ((!link.has(tdi) || link.dsmOf(tdi) !== dsm) && fw.enforces('tdi-create-requires-function-of-dsm')) return sev('SEV_RET_SEV_STATUS_INVALID_TDI', `${tdi} is not a function of ${dsm}`);
  if (fw.state.tdis[tdi] && fw.enforces('tdi-create-requires-no-context')) return sev('SEV_RET_SEV_STATUS_RECLAIM_REQUIRED', `${tdi} has a TDI context`);
  fw.state.tdis[tdi] = { dsm, interfaceId: parseBdf(tdi)?.requesterId ?? 0, status: 'UNBOUND', intfReportCounter: 0, ran: false, validated: [], nonTee: {} };
  return OK;
}

/** TIO_TDI_BIND's work: LOCK_INTERFACE → CONFIG_LOCKED and the report read; with RUN_FORCE, START_INTERFACE → RUN. */
export function* bindProgram({ fw }: PspContext, dsm: Bdf, dev: DevCtx, tdi: Bdf, p: BindParams): Program<FwResult<Uint8Array>> {
  const s = fw.state;
  const t = s.tdis[tdi];
  if (!t || t.dsm !== dsm) return sev('SEV_RET_SEV_STATUS_INVALID_TDI_CTX', `no TDI context for ${tdi} in ${dsm}`);
  const vm = fw.vmOfGctx(p.gctx);
  const guest = vm === undefined ? undefined : s.guests[vm];
  if (vm === undefined || !guest || (guest.asid === 0 && fw.enforces('tdi-bind-requires-launched-guest'))) return sev('SEV_RET_INVALID_GUEST', `no launched guest has context ${p.gctx}`);
  const checksFlags = fw.enforces('tdi-bind-checks-lock-flags');
  const bad = checksFlags ? lockFlagProblem(p.lockFlags) : undefined;
  if (bad) return sev('SEV_RET_INVALID_PARAM', bad);
  if (t.status === 'UNBOUND') {
    const caps = yield* exchange(tdispRequest(tdi, { messageType: 'GET_TDISP_CAPABILITIES', tsmCaps: 0 }));
    if (caps.proto !== 'TDISP' || caps.message.messageType !== 'TDISP_CAPABILITIES') return sev('SEV_RET_SPDM_ERROR', `GET_TDISP_CAPABILITIES: ${replyText(caps)}`);
    const unsupported = p.lockFlags & ~caps.message.lockInterfaceFlagsSupported;
    if (unsupported !== 0 && checksFlags) return sev('SEV_RET_INVALID_PARAM', `the device does not support LOCK flags 0x${unsupported.toString(16)}`);
    // The binding is recorded as the LOCK goes out: if the host never brings the answer back,
    // the TDI may be locked, and TIO_TDI_INFO/TIO_TDI_UNBIND must know it.
    Object.assign(t, { status: 'BIND_LOCKED', vm, gctx: p.gctx, asid: guest.asid, guestDeviceId: p.guestDeviceId, lockFlags: p.lockFlags, ran: false, validated: [], nonTee: {} });
    // The PSP keeps the TDI's DMA blocked until the guest writes its sDTE [REF §2].
    const open = !fw.enforces('run-keeps-dma-blocked');
    s.sdtes[tdi] = { vm, asid: guest.asid, guestDeviceId: p.guestDeviceId, ideStreamId: dev.ideStreamIds[0] ?? 0, valid: open, dmaEnabled: open, vtomEn: false, vtom: VTOM_MAX.toString(16) };
    const lock = yield* exchange(tdispRequest(tdi, { messageType: 'LOCK_INTERFACE_REQUEST', flags: p.lockFlags, defaultStreamId: dev.ideStreamIds[0] ?? 0, mmioReportingOffset: 0n, bindP2pAddressMask: 0n }));
    if (lock.proto !== 'TDISP' || lock.message.messageType !== 'LOCK_INTERFACE_RESPONSE') {
      unbound(fw, tdi, t);
      return sev('SEV_RET_SPDM_ERROR', `LOCK_INTERFACE_REQUEST: ${replyText(lock)}`);
    }
    t.nonce = toHex(lock.message.startInterfaceNonce);
    const report = yield* readReport(tdi);
    if (typeof report === 'string') return sev('SEV_RET_SPDM_ERROR', `GET_DEVICE_INTERFACE_REPORT: ${report}`);
    Object.assign(t, { report: toHex(report), intfReportCounter: ++s.reportCounter });
  } else if (!p.run && fw.enforces('tdi-bind-requires-unbound')) return sev('SEV_RET_SEV_STATUS_INVALID_TDI_STATE', `${tdi} is ${t.status}`);
  else if (t.gctx !== p.gctx && fw.enforces('tdi-commands-require-bound-guest')) return sev('SEV_RET_INVALID_GUEST', `${tdi} is bound to another guest`);
  if (p.run && t.status === 'BIND_LOCKED') {
    if (!t.nonce) return sev('SEV_RET_SEV_STATUS_INVALID_TDI_STATE', `${tdi} has no START_INTERFACE_NONCE`);
    const nonce = t.nonce;
    // As with LOCK: recorded as START goes out.
    Object.assign(t, { status: 'BIND_RUN', ran: true });
    delete t.nonce;
    const start = yield* exchange(tdispRequest(tdi, { messageType: 'START_INTERFACE_REQUEST', startInterfaceNonce: fromHex(nonce) }));
    if (start.proto !== 'TDISP' || start.message.messageType !== 'START_INTERFACE_RESPONSE') {
      Object.assign(t, { status: 'BIND_LOCKED', nonce });
      return sev('SEV_RET_SPDM_ERROR', `START_INTERFACE_REQUEST: ${replyText(start)}`);
    }
  }
  const report = fromHex(t.report ?? '');
  yield* output(report.length, p.outputLen);
  return ok(report);
}

/** Why a TDI command naming guest context `gctx` is refused: the TDI is not bound, or not to that guest. */
function notBoundTo({ fw }: PspContext, tdi: Bdf, t: TdiCtx, gctx: string): FwErr | undefined {
  if (t.status === 'UNBOUND' && fw.enforces('tdi-requires-bound')) return sev('SEV_RET_SEV_STATUS_INVALID_TDI_STATE', `${tdi} is not bound`);
  if (t.gctx !== gctx && fw.enforces('tdi-commands-require-bound-guest')) return sev('SEV_RET_INVALID_GUEST', `${tdi} is bound to another guest`);
  return undefined;
}

/** TIO_TDI_UNBIND's work: TDISP STOP; with FORCE the binding goes even if the device does not confirm it. */
export function* unbindProgram(ctx: PspContext, tdi: Bdf, gctx: string, force: boolean): Program<FwResult> {
  const t = ctx.fw.state.tdis[tdi];
  if (!t) return sev('SEV_RET_SEV_STATUS_INVALID_TDI_CTX', `no TDI context for ${tdi}`);
  const refused = notBoundTo(ctx, tdi, t, gctx);
  if (refused) return refused;
  const r = yield* exchange(tdispRequest(tdi, { messageType: 'STOP_INTERFACE_REQUEST' }));
  const stopped = r.proto === 'TDISP' && r.message.messageType === 'STOP_INTERFACE_RESPONSE';
  if (!stopped && !force) return sev('SEV_RET_SPDM_ERROR', `STOP_INTERFACE_REQUEST: ${replyText(r)}`);
  unbound(ctx.fw, tdi, t);
  return OK;
}

/** The TDI is no longer bound: its nonce is gone and its DMA blocked; the context keeps its guest until reclaimed. */
function unbound(fw: SevTioFirmware, tdi: Bdf, t: TdiCtx): void {
  t.status = 'UNBOUND';
  delete t.nonce;
  const sdte = fw.state.sdtes[tdi];
  if (sdte) Object.assign(sdte, { valid: false, dmaEnabled: false });
}

/** TIO_TDI_STATUS' work: the TDISP state, asked of the device (GET_DEVICE_INTERFACE_STATE). */
export function* statusProgram({ fw }: PspContext, tdi: Bdf): Program<FwResult<TdiStateName>> {
  if (!fw.state.tdis[tdi]) return sev('SEV_RET_SEV_STATUS_INVALID_TDI_CTX', `no TDI context for ${tdi}`);
  const r = yield* exchange(tdispRequest(tdi, { messageType: 'GET_DEVICE_INTERFACE_STATE' }));
  if (r.proto !== 'TDISP' || r.message.messageType !== 'DEVICE_INTERFACE_STATE') return sev('SEV_RET_SPDM_ERROR', `GET_DEVICE_INTERFACE_STATE: ${replyText(r)}`);
  return ok(TDI_STATE_NAMES.get(r.message.tdiState) ?? 'ERROR');
}

/** The binding as TIO_TDI_INFO and TDI_INFO_REQ report it. */
export function tdiInfoOf({ fw }: PspContext, t: TdiCtx): TdiInfo {
  const dev = fw.state.devices[t.dsm];
  return {
    status: t.status,
    lockFlags: t.lockFlags ?? 0,
    certsDigest: dev?.certDigest ?? '',
    measDigest: dev?.measDigest ?? '',
    interfaceReportDigest: t.report ? sha384(fromHex(t.report)) : '',
    intfReportCounter: t.intfReportCounter,
    asid: t.asid ?? 0,
  };
}

/** TIO_TDI_REPORT's work: reads the report again; a new report bumps intf_report_counter. */
export function* reportProgram(ctx: PspContext, tdi: Bdf, gctx: string, outputLen: number): Program<FwResult<Uint8Array>> {
  const t = ctx.fw.state.tdis[tdi];
  if (!t) return sev('SEV_RET_SEV_STATUS_INVALID_TDI_CTX', `no TDI context for ${tdi}`);
  const refused = notBoundTo(ctx, tdi, t, gctx);
  if (refused) return refused;
  const report = yield* readReport(tdi);
  if (typeof report === 'string') return sev('SEV_RET_SPDM_ERROR', `GET_DEVICE_INTERFACE_REPORT: ${report}`);
  Object.assign(t, { report: toHex(report), intfReportCounter: ++ctx.fw.state.reportCounter });
  yield* output(report.length, outputLen);
  return ok(report);
}

/** TIO_TDI_RECLAIM: releases an unbound TDI context and its sDTE. The RMP is the host's to clear. */
export function tdiReclaim({ fw }: PspContext, dsm: Bdf, tdi: Bdf): FwResult {
  const t = fw.state.tdis[tdi];
  if (!t || t.dsm !== dsm) return sev('SEV_RET_SEV_STATUS_INVALID_TDI_CTX', `no TDI context for ${tdi}`);
  if (t.status !== 'UNBOUND' && fw.enforces('tdi-reclaim-requires-unbind')) return sev('SEV_RET_SEV_STATUS_INVALID_TDI_STATE', `${tdi} is ${t.status}: TIO_TDI_UNBIND first`);
  delete fw.state.tdis[tdi];
  delete fw.state.sdtes[tdi];
  return OK;
}

/** The LOCK flags TIO_TDI_BIND refuses, or undefined. */
export function lockFlagProblem(flags: number): string | undefined {
  const bit = (f: number) => ((flags & f) !== 0 ? 1 : 0);
  if (flags >> LOCK_FLAGS_RESERVED_SHIFT !== 0) return `reserved LOCK flag bits 0x${(flags & ~((1 << LOCK_FLAGS_RESERVED_SHIFT) - 1)).toString(16)} set`;
  if (bit(LockInterfaceFlag.BIND_P2P) !== LOCK_FLAG_MUST_BE.BIND_P2P) return 'BIND_P2P must be 0';
  if (bit(LockInterfaceFlag.ALL_REQUEST_REDIRECT) !== LOCK_FLAG_MUST_BE.ALL_REQUEST_REDIRECT) return 'ALL_REQUEST_REDIRECT must be 1';
  if (bit(LockInterfaceFlag.SYSTEM_CACHE_LINE_SIZE) !== LOCK_FLAG_MUST_BE.SYSTEM_CACHE_LINE_SIZE) return 'CACHE_LINE_SIZE must be 0';
  return undefined;
}
