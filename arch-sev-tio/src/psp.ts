import {
  type Bdf,
  type CallArgs,
  DEVICE_LINK,
  type DeviceLink,
  DoeDataObjectType,
  FIRMWARE_CALLS,
  type FirmwareCalls,
  type FwErr,
  type FwResult,
  IDE_DIRECTIONS,
  IDE_SUB_STREAMS,
  type IdeKmMessage,
  IdeSubStream,
  KpAckStatus,
  LOCK_FLAGS_RESERVED_SHIFT,
  LockInterfaceFlag,
  MmioRangeAttribute,
  OK,
  RANDOM,
  type SeededRandom,
  TDISP_VERSION_10,
  TdiState,
  type TdiStateName,
  type TdispMessage,
  type VmId,
  decodeDeviceInterfaceReport,
  fail,
  fromHex,
  interfaceIdOf,
  ok,
  parseBdf,
  rangeBase,
  sha384,
  toHex,
  pagesEnd,
} from '@teeio/core';
import { inject, injectable } from 'tsyringe';
import {
  LOCK_FLAG_MUST_BE,
  type MmioConfigStatusName,
  type MmioValidateStatusName,
  RMPUPDATE,
  RMPUPDATE_FAIL_INUSE,
  type SdteWriteStatusName,
  TIO_MIN_FW_VERSION,
  type SevRetName,
  type TdiBindStatus,
} from './codes.js';
import { overlaps, rmpEntryAt, rmpUpdatePages } from './rmp.js';
import { type DevCtx, PAGE, type Program, type PspState, SevTioFirmware, type SpdmReply, type SpdmRequest, type TdiCtx, type TioStatus, fenceKey } from './state.js';

/** How the host issues a command: afresh, with the device's answer, or with grown buffers. */
export type Resume = { readonly kind: 'issue' } | { readonly kind: 'reply'; readonly reply: SpdmReply } | { readonly kind: 'expanded'; readonly outputLen: number };

const sev = (code: SevRetName, detail?: string) => fail(code, detail);

/** TIO_STATUS's sizes [TEEIO]: the minimum output buffer is smaller than a certificate chain. */
const TIO_SIZES = {
  spdmReqSizeMin: 0x1000,
  spdmReqSizeMax: 0x1000,
  spdmRspSizeMin: 0x1000,
  spdmRspSizeMax: 0x1000,
  spdmScratchSizeMin: 0x100,
  spdmScratchSizeMax: 0x10000,
  spdmOutSizeMin: 0x100,
  spdmOutSizeMax: 0x10000,
  devctxSize: 0x2000,
  tdictxSize: 0x1000,
} as const;

/** Where teeio places guest context pages (firmware pages in host memory) [TEEIO]. */
const GCTX_BASE = 0x7f0_0000_0000n;

/** vTOM's default: the maximum, so every DMA address is private [REF §2]. */
export const VTOM_MAX = 0xffff_ffff_ffffn;

const TDI_STATE_NAMES = new Map<number, TdiStateName>(Object.entries(TdiState).map(([k, v]) => [v, k as TdiStateName]));

/** One device exchange: the PSP yields the request data object and gets the host's reply. */
function* exchange(request: SpdmRequest): Generator<{ spdm: SpdmRequest }, SpdmReply, unknown> {
  return (yield { spdm: request }) as SpdmReply;
}

/** The output buffer must hold `needed` bytes: SEV_RET_EXPAND_BUFFER_LENGTH_REQUEST until it does. */
function* output(needed: number, have: number): Generator<{ expand: number }, void, unknown> {
  for (let len = have; len < needed; ) len = (yield { expand: needed }) as number;
}

/** What the reply was, for an error's detail. */
function replyText(r: SpdmReply): string {
  switch (r.proto) {
    case 'NONE':
      return `no response (${r.error})`;
    case 'DOE_DISCOVERY':
      return `DOE discovery entry ${r.dataObjectType}`;
    case 'IDE_KM':
      return r.message.objectId;
    case 'TDISP':
      return r.message.messageType === 'TDISP_ERROR' ? `TDISP_ERROR 0x${r.message.errorCode.toString(16)}` : r.message.messageType;
  }
}

export function requestText(r: SpdmRequest): string {
  switch (r.proto) {
    case 'DOE_DISCOVERY':
      return `DOE discovery index ${r.index}`;
    case 'IDE_KM':
      return `DOBJ_DATA_TYPE_SPDM: IDE_KM ${r.message.objectId}`;
    case 'TDISP':
      return `DOBJ_DATA_TYPE_SPDM: TDISP ${r.message.messageType} for ${r.tdi}`;
  }
}

/** A deterministic stand-in for a device's own bytes (its certificate chain, its measurements). */
function deviceBytes(what: string, blocks: number): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < blocks; i++) out.push(...fromHex(sha384(new TextEncoder().encode(`teeio SEV-TIO model: ${what} #${i}`))));
  return Uint8Array.from(out);
}

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

/**
 * The PSP's SEV-TIO firmware: every command of the reference with its preconditions and status
 * codes. Commands that need the device return SEV_RET_SPDM_REQUEST with a request data object
 * and are resumed when the host re-issues them with the device's answer; commands that output
 * more than the host's buffer holds return SEV_RET_EXPAND_BUFFER_LENGTH_REQUEST. No SPDM session
 * is modelled: no GET_VERSION/KEY_EXCHANGE, no secured messages, no signatures. The simulated
 * device answers DOE discovery and PCI-SIG vendor-defined messages (TDISP, IDE_KM) only, so the
 * PSP's requests are plain DOBJ_DATA_TYPE_SPDM objects and certificates and measurements are the
 * model's own bytes.
 */
@injectable()
export class Psp {
  constructor(
    @inject(FIRMWARE_CALLS) private readonly calls: FirmwareCalls,
    @inject(DEVICE_LINK) private readonly link: DeviceLink,
    @inject(RANDOM) private readonly random: SeededRandom,
    @inject(SevTioFirmware) private readonly fw: SevTioFirmware,
  ) {}

  private get s() {
    return this.fw.state;
  }

  private tioReady(): FwErr | undefined {
    return this.s.platform.tioInitDone || !this.fw.enforces('tio-init-before-commands') ? undefined : sev('SEV_RET_INVALID_PLATFORM_STATE', 'TIO_INIT has not been done');
  }

  /** A plain command: TIO must be initialised first. */
  private command<T>(op: string, args: CallArgs, run: () => FwResult<T>): FwResult<T> {
    return this.calls.call(op, args, () => this.tioReady() ?? run());
  }

  /**
   * A command that may stop for the host (SPDM_REQUEST, EXPAND_BUFFER_LENGTH_REQUEST). Its
   * program runs until it needs something; the device context records what it waits for.
   */
  private resumable<T>(op: string, args: CallArgs, dsm: Bdf, resume: Resume, start: (dev: DevCtx) => Program<FwResult<T>>): FwResult<T> {
    return this.command(op, args, () => {
      const dev = this.s.devices[dsm];
      if (!dev) return sev('SEV_RET_SEV_STATUS_INVALID_DEV_CTX', `no device context for ${dsm}`);
      let program: Program<FwResult<T>>;
      let input: unknown;
      if (resume.kind === 'issue') {
        this.abandon(dsm);
        program = start(dev);
      } else {
        const waiting = this.fw.programs.get(dsm);
        const awaiting = resume.kind === 'reply' ? 'spdm' : 'buffer';
        if (!waiting || dev.pending?.op !== op || dev.pending.awaiting !== awaiting) return sev('SEV_RET_INVALID_PARAM', `${op} is not waiting for ${awaiting === 'spdm' ? 'an SPDM response' : 'bigger buffers'}`);
        program = waiting as Program<FwResult<T>>;
        input = resume.kind === 'reply' ? resume.reply : resume.outputLen;
      }
      const step = program.next(input);
      if (step.done) {
        this.fw.programs.delete(dsm);
        delete dev.pending;
        return step.value;
      }
      this.fw.programs.set(dsm, program);
      if ('expand' in step.value) {
        dev.pending = { op, awaiting: 'buffer', needed: step.value.expand };
        return sev('SEV_RET_EXPAND_BUFFER_LENGTH_REQUEST', `the output buffer must hold 0x${step.value.expand.toString(16)} bytes`);
      }
      dev.pending = { op, awaiting: 'spdm', request: step.value.spdm };
      return sev('SEV_RET_SPDM_REQUEST', requestText(step.value.spdm));
    });
  }

  /** Drops a command the host stopped resuming. */
  private abandon(dsm: Bdf): void {
    this.fw.programs.get(dsm)?.return(undefined as never);
    this.fw.programs.delete(dsm);
    const dev = this.s.devices[dsm];
    if (dev) delete dev.pending;
  }

  /** The request the PSP put in the request buffer, for the host to carry (SEV_RET_SPDM_REQUEST). */
  spdmRequest(dsm: Bdf): SpdmRequest | undefined {
    return this.s.devices[dsm]?.pending?.request;
  }

  /** How big the output buffer must grow (SEV_RET_EXPAND_BUFFER_LENGTH_REQUEST). */
  bufferNeeded(dsm: Bdf): number | undefined {
    return this.s.devices[dsm]?.pending?.needed;
  }

  // ---- SNP guest context ------------------------------------------------------------------

  /**
   * SNP_GCTX_CREATE: the guest context page whose address names the VM in TIO_TDI_BIND. With
   * SNP_LAUNCH_START and SNP_DECOMMISSION these are psp-sev.h's SEV_CMD_SNP_* commands; the
   * reference names only the guest context (gctx_paddr).
   */
  snpGctxCreate(vm: VmId): FwResult<string> {
    return this.calls.call('SNP_GCTX_CREATE', { vm }, () => {
      if (this.s.guests[vm]) return sev('SEV_RET_INVALID_GUEST', `${vm} has a guest context`);
      const gctx = `0x${(GCTX_BASE + BigInt(++this.s.gctxPages) * PAGE).toString(16)}`;
      this.s.guests[vm] = { gctx, asid: 0 };
      return ok(gctx);
    });
  }

  /** SNP_LAUNCH_START: the guest context gets its ASID. */
  snpLaunchStart(vm: VmId): FwResult<number> {
    const g = this.s.guests[vm];
    return this.calls.call('SNP_LAUNCH_START', { vm, gctx: g?.gctx, asid: this.s.nextAsid }, () => {
      if (!g) return sev('SEV_RET_INVALID_GUEST', `${vm} has no guest context`);
      const asid = this.s.nextAsid++;
      this.s.guests[vm] = { ...g, asid };
      return ok(asid);
    });
  }

  /**
   * SNP_DECOMMISSION. The guest context must outlive every TDI bound to it ("tsm_tdi_unbind() is
   * not called before the guest disappeared from the firmware" [REF §3]): refused with
   * SEV_RET_IN_USE while TDIs are bound to it [TEEIO: the sources give the rule, not the code].
   * Fences left on its ASID go with it.
   */
  snpDecommission(vm: VmId): FwResult {
    const g = this.s.guests[vm];
    return this.calls.call('SNP_DECOMMISSION', { vm, gctx: g?.gctx }, () => {
      if (!g) return sev('SEV_RET_INVALID_GUEST', `${vm} has no guest context`);
      const bound = Object.entries(this.s.tdis).filter(([, t]) => t.gctx === g.gctx && t.status !== 'UNBOUND');
      if (bound.length > 0 && this.fw.enforces('snp-decommission-requires-no-bound-tdi')) return sev('SEV_RET_IN_USE', `TDIs still bound to the guest context: ${bound.map(([b]) => b).join(', ')}`);
      delete this.s.guests[vm];
      for (const [k, f] of Object.entries(this.s.fences)) if (f.asid === g.asid) delete this.s.fences[k];
      return OK;
    });
  }

  // ---- platform ------------------------------------------------------------------------------

  /** TIO_STATUS: whether TIO is enabled and initialised, and the buffer and context sizes. */
  tioStatus(): FwResult<TioStatus> {
    return this.calls.call('TIO_STATUS', {}, () => ok({ tioEn: this.s.platform.tioEn, tioInitDone: this.s.platform.tioInitDone, ...TIO_SIZES }));
  }

  /** TIO_INIT: needs firmware ≥ 1.55, SNP_FEATURE_INFO EBX bit 1 and SNP_INIT_EX with tio_en=1 [REF §1]; runs once. */
  tioInit(): FwResult {
    return this.calls.call('TIO_INIT', {}, () => {
      const p = this.s.platform;
      const refused = this.fw.enforces('tio-init-requires-platform') ? tioInitProblem(p) : undefined;
      if (refused) return sev('SEV_RET_INVALID_PLATFORM_STATE', refused);
      p.tioInitDone = true;
      return OK;
    });
  }

  // ---- device context ------------------------------------------------------------------------

  /** TIO_DEV_CREATE: a device context for PF0 (no SPDM). */
  devCreate(dsm: Bdf, deviceId: number, rootPortId: number, segmentId: number): FwResult {
    return this.command('TIO_DEV_CREATE', { dsm, device_id: deviceId, root_port_id: rootPortId, segment_id: segmentId }, () => {
      if (this.s.devices[dsm] && this.fw.enforces('dev-create-requires-no-context')) return sev('SEV_RET_SEV_STATUS_RECLAIM_REQUIRED', `${dsm} has a device context`);
      if ((deviceId & 7) !== 0 && this.fw.enforces('dev-create-requires-pf0')) return sev('SEV_RET_INVALID_PARAM', `device_id 0x${deviceId.toString(16)} is not function 0`);
      this.s.devices[dsm] = { deviceId, rootPortId, segmentId, ctxState: 'CREATED', tcMask: 0, certSlot: 0, ideStreamIds: [], keysGo: [], certificates: '', certDigest: '', measurements: '', measDigest: '' };
      return OK;
    });
  }

  /**
   * TIO_DEV_CONNECT: "Establishes a secure SPDM session… Constructs IDE selective streams between
   * the root complex and the device" [REF §1]. Through the host's DOE relay: DOE discovery until
   * SPDM is found, IDE_KM QUERY, KEY_PROG of every sub-stream, then K_SET_GO; the output is the
   * certificate data object.
   */
  devConnect(dsm: Bdf, p: { tcMask: number; certSlot: number; ideStreamIds: readonly number[]; outputLen: number }, resume: Resume): FwResult<Uint8Array> {
    const args = { dsm, tc_mask: p.tcMask, cert_slot: p.certSlot, ide_stream_id: p.ideStreamIds.join(','), ...(resume.kind === 'issue' ? {} : { resume: resume.kind }) };
    return this.resumable('TIO_DEV_CONNECT', args, dsm, resume, (dev) => this.connectProgram(dsm, dev, p));
  }

  private *connectProgram(dsm: Bdf, dev: DevCtx, p: { tcMask: number; certSlot: number; ideStreamIds: readonly number[]; outputLen: number }): Program<FwResult<Uint8Array>> {
    if (dev.ctxState !== 'CREATED' && this.fw.enforces('dev-connect-requires-created')) return sev('SEV_RET_SEV_STATUS_INVALID_DEV_STATE', `${dsm} is ${dev.ctxState}`);
    if ((p.tcMask & 1) === 0 && this.fw.enforces('dev-connect-requires-tc0')) return sev('SEV_RET_INVALID_PARAM', 'tc_mask bit 0 (TC0) is required');
    const streamId = p.ideStreamIds[0] ?? 0;
    const found: number[] = [];
    let index = 0;
    do {
      const r = yield* exchange({ proto: 'DOE_DISCOVERY', index });
      if (r.proto !== 'DOE_DISCOVERY') return sev('SEV_RET_SEV_STATUS_ERR_IN_DEV_CONN', `DOE discovery: ${replyText(r)}`);
      found.push(r.dataObjectType);
      index = r.nextIndex;
    } while (index !== 0 && found.length < 256);
    if (!found.includes(DoeDataObjectType.SPDM)) return sev('SEV_RET_SEV_STATUS_ERR_IN_DEV_CONN', 'the DOE mailbox does not carry SPDM');
    const query = yield* exchange({ proto: 'IDE_KM', message: { objectId: 'QUERY', portIndex: 0 } as IdeKmMessage });
    if (query.proto !== 'IDE_KM' || query.message.objectId !== 'QUERY_RESP') return sev('SEV_RET_SEV_STATUS_ERR_IN_DEV_CONN', `IDE_KM QUERY: ${replyText(query)}`);
    if (((query.message.busNum << 8) | query.message.devFuncNum) !== dev.deviceId) return sev('SEV_RET_SEV_STATUS_ERR_IN_DEV_CONN', 'IDE_KM QUERY_RESP names another function');
    const slots = IDE_DIRECTIONS.flatMap((direction) => IDE_SUB_STREAMS.map((sub) => ({ direction, sub, keySubStream: { keySet: 'K0' as const, direction, subStream: IdeSubStream[sub] } })));
    for (const s of slots) {
      const msg = { objectId: 'KEY_PROG', streamId, keySubStream: s.keySubStream, portIndex: 0, key: this.random.bytes(32), ifv: new Uint8Array(8) } as IdeKmMessage;
      const r = yield* exchange({ proto: 'IDE_KM', message: msg });
      if (r.proto !== 'IDE_KM' || r.message.objectId !== 'KP_ACK' || r.message.status !== KpAckStatus.SUCCESS) return sev('SEV_RET_SEV_STATUS_ERR_IN_DEV_CONN', `KEY_PROG ${s.direction}/${s.sub}: ${replyText(r)}`);
    }
    dev.ideStreamIds = [streamId];
    for (const s of slots) {
      // Recorded as K_SET_GO goes out, so that a disconnect stops every key that may be live.
      dev.keysGo.push(`${s.direction}/${s.sub}`);
      const r = yield* exchange({ proto: 'IDE_KM', message: { objectId: 'K_SET_GO', streamId, keySubStream: s.keySubStream, portIndex: 0 } as IdeKmMessage });
      if (r.proto !== 'IDE_KM' || r.message.objectId !== 'K_SET_GOSTOP_ACK') return sev('SEV_RET_SEV_STATUS_ERR_IN_DEV_CONN', `K_SET_GO ${s.direction}/${s.sub}: ${replyText(r)}`);
    }
    const certificates = deviceBytes(`certificate chain of ${dsm}, slot ${p.certSlot}`, 22);
    yield* output(certificates.length, p.outputLen);
    Object.assign(dev, { ctxState: 'CONNECTED', tcMask: p.tcMask, certSlot: p.certSlot, certificates: toHex(certificates), certDigest: sha384(certificates) });
    return ok(certificates);
  }

  /**
   * TIO_DEV_DISCONNECT: refused while the device has TDI contexts (a device "cannot be
   * disconnected while TDIs are bound" [REF §1]); unless forced ("without SPDM traffic") the PSP
   * stops the IDE keys it set going (K_SET_STOP) before it drops the session.
   */
  devDisconnect(dsm: Bdf, force: boolean, resume: Resume): FwResult {
    return this.resumable('TIO_DEV_DISCONNECT', { dsm, force, ...(resume.kind === 'issue' ? {} : { resume: resume.kind }) }, dsm, resume, (dev) => this.disconnectProgram(dsm, dev, force));
  }

  private *disconnectProgram(dsm: Bdf, dev: DevCtx, force: boolean): Program<FwResult> {
    const tdis = this.tdisOf(dsm);
    const bound = tdis.filter(([, t]) => t.status !== 'UNBOUND').length;
    if (tdis.length > 0 && this.fw.enforces('dev-disconnect-requires-no-tdi')) return sev('SEV_RET_IN_USE', `${dsm} has ${tdis.length} TDI context(s), ${bound} bound`);
    if (!force)
      for (const slot of [...dev.keysGo]) {
        const [direction, sub] = slot.split('/') as [(typeof IDE_DIRECTIONS)[number], (typeof IDE_SUB_STREAMS)[number]];
        const keySubStream = { keySet: 'K0' as const, direction, subStream: IdeSubStream[sub] };
        const r = yield* exchange({ proto: 'IDE_KM', message: { objectId: 'K_SET_STOP', streamId: dev.ideStreamIds[0] ?? 0, keySubStream, portIndex: 0 } as IdeKmMessage });
        if (r.proto !== 'IDE_KM' || r.message.objectId !== 'K_SET_GOSTOP_ACK') return sev('SEV_RET_SPDM_ERROR', `K_SET_STOP ${slot}: ${replyText(r)}`);
        dev.keysGo = dev.keysGo.filter((k) => k !== slot);
      }
    Object.assign(dev, { ctxState: 'DISCONNECTED', ideStreamIds: [], keysGo: [] });
    return OK;
  }

  /** TIO_DEV_RECLAIM: releases the device context; it must not be connected or have TDIs. */
  devReclaim(dsm: Bdf): FwResult {
    return this.command('TIO_DEV_RECLAIM', { dsm }, () => {
      const dev = this.s.devices[dsm];
      if (!dev) return sev('SEV_RET_SEV_STATUS_INVALID_DEV_CTX', `no device context for ${dsm}`);
      if (this.fw.enforces('dev-reclaim-requires-released')) {
        if (dev.ctxState === 'CONNECTED') return sev('SEV_RET_SEV_STATUS_INVALID_DEV_STATE', `${dsm} is connected: TIO_DEV_DISCONNECT first`);
        if (this.tdisOf(dsm).length > 0) return sev('SEV_RET_IN_USE', `${dsm} has TDI contexts`);
      }
      this.abandon(dsm);
      delete this.s.devices[dsm];
      return OK;
    });
  }

  /** TIO_DEV_STATUS: ctx_state, streams, digests and TDI counts. */
  devStatus(dsm: Bdf): FwResult<{ ctxState: string; ideStreamIds: number[]; certDigest: string; measDigest: string; tdiCount: number; boundTdiCount: number }> {
    return this.command('TIO_DEV_STATUS', { dsm }, () => {
      const dev = this.s.devices[dsm];
      if (!dev) return sev('SEV_RET_SEV_STATUS_INVALID_DEV_CTX', `no device context for ${dsm}`);
      const tdis = this.tdisOf(dsm);
      return ok({ ctxState: dev.ctxState, ideStreamIds: [...dev.ideStreamIds], certDigest: dev.certDigest, measDigest: dev.measDigest, tdiCount: tdis.length, boundTdiCount: tdis.filter(([, t]) => t.status !== 'UNBOUND').length });
    });
  }

  /**
   * TIO_DEV_MEASUREMENTS with meas_nonce[32]. SPDM GET_MEASUREMENTS is not modelled: the record
   * is the model's per-device bytes followed by the nonce, so a fresh nonce gives a new digest.
   */
  devMeasurements(dsm: Bdf, nonce: Uint8Array, outputLen: number, resume: Resume): FwResult<Uint8Array> {
    return this.resumable('TIO_DEV_MEASUREMENTS', { dsm, meas_nonce: toHex(nonce).slice(0, 16) + '…' }, dsm, resume, (dev) => this.measurementsProgram(dsm, dev, nonce, outputLen));
  }

  /** SEV_RET_SEV_STATUS_INVALID_DEV_STATE unless the device context is connected (or `rule` is ablated). */
  private notConnected(dsm: Bdf, dev: DevCtx, rule: 'dev-evidence-requires-connected' | 'tdi-create-requires-connected'): FwErr | undefined {
    return dev.ctxState !== 'CONNECTED' && this.fw.enforces(rule) ? sev('SEV_RET_SEV_STATUS_INVALID_DEV_STATE', `${dsm} is ${dev.ctxState}`) : undefined;
  }

  private *measurementsProgram(dsm: Bdf, dev: DevCtx, nonce: Uint8Array, outputLen: number): Program<FwResult<Uint8Array>> {
    const refused = this.notConnected(dsm, dev, 'dev-evidence-requires-connected');
    if (refused) return refused;
    const record = Uint8Array.from([...deviceBytes(`measurements of ${dsm}`, 4), ...nonce]);
    yield* output(record.length, outputLen);
    Object.assign(dev, { measurements: toHex(record), measDigest: sha384(record) });
    return ok(record);
  }

  /** TIO_DEV_CERTIFICATES: the certificate chain read at connect. */
  devCertificates(dsm: Bdf, outputLen: number, resume: Resume): FwResult<Uint8Array> {
    return this.resumable('TIO_DEV_CERTIFICATES', { dsm }, dsm, resume, (dev) => this.certificatesProgram(dsm, dev, outputLen));
  }

  private *certificatesProgram(dsm: Bdf, dev: DevCtx, outputLen: number): Program<FwResult<Uint8Array>> {
    const refused = this.notConnected(dsm, dev, 'dev-evidence-requires-connected');
    if (refused) return refused;
    const certificates = fromHex(dev.certificates);
    yield* output(certificates.length, outputLen);
    return ok(certificates);
  }

  // ---- TDI context ---------------------------------------------------------------------------

  private tdisOf(dsm: Bdf): [Bdf, TdiCtx][] {
    return Object.entries(this.s.tdis).filter(([, t]) => t.dsm === dsm);
  }

  /** TIO_TDI_CREATE: a TDI context whose TDISP interface id is the host RID. */
  tdiCreate(dsm: Bdf, tdi: Bdf): FwResult {
    const rid = parseBdf(tdi)?.requesterId ?? 0;
    return this.command('TIO_TDI_CREATE', { dsm, tdi, interface_id: rid }, () => {
      const dev = this.s.devices[dsm];
      if (!dev) return sev('SEV_RET_SEV_STATUS_INVALID_DEV_CTX', `no device context for ${dsm}`);
      const refused = this.notConnected(dsm, dev, 'tdi-create-requires-connected');
      if (refused) return refused;
      if ((!this.link.has(tdi) || this.link.dsmOf(tdi) !== dsm) && this.fw.enforces('tdi-create-requires-function-of-dsm')) return sev('SEV_RET_SEV_STATUS_INVALID_TDI', `${tdi} is not a function of ${dsm}`);
      if (this.s.tdis[tdi] && this.fw.enforces('tdi-create-requires-no-context')) return sev('SEV_RET_SEV_STATUS_RECLAIM_REQUIRED', `${tdi} has a TDI context`);
      this.s.tdis[tdi] = { dsm, interfaceId: rid, status: 'UNBOUND', intfReportCounter: 0, ran: false, validated: [], nonTee: {} };
      return OK;
    });
  }

  private tdisp(tdi: Bdf, body: Record<string, unknown>): SpdmRequest {
    const rid = parseBdf(tdi)?.requesterId ?? 0;
    return { proto: 'TDISP', tdi, message: { version: TDISP_VERSION_10, interfaceId: interfaceIdOf(rid), ...body } as TdispMessage };
  }

  /** GET_DEVICE_INTERFACE_REPORT in portions: the report, or what the device answered instead. */
  private *readReport(tdi: Bdf): Generator<{ spdm: SpdmRequest }, Uint8Array | string, unknown> {
    const parts: number[] = [];
    for (;;) {
      const r = yield* exchange(this.tdisp(tdi, { messageType: 'GET_DEVICE_INTERFACE_REPORT', offset: parts.length, length: 0xffff }));
      if (r.proto !== 'TDISP' || r.message.messageType !== 'DEVICE_INTERFACE_REPORT') return replyText(r);
      parts.push(...r.message.portion);
      if (r.message.remainderLength === 0) return Uint8Array.from(parts);
    }
  }

  /**
   * TIO_TDI_BIND: binds the TDI to the guest named by its guest context and guest BDF, with the
   * TDISP LOCK flags (must-be values checked); LOCK_INTERFACE → CONFIG_LOCKED and the report is
   * read and output. With RUN_FORCE a bound, locked TDI is started (START_INTERFACE → RUN).
   */
  tdiBind(dsm: Bdf, tdi: Bdf, p: { gctx: string; guestDeviceId: number; lockFlags: number; run: boolean; outputLen: number }, resume: Resume): FwResult<Uint8Array> {
    const args = { dsm, tdi, gctx: p.gctx, guest_device_id: p.guestDeviceId, tdisp_lock_if: p.lockFlags, run: p.run ? 'RUN_FORCE' : 0, ...(resume.kind === 'issue' ? {} : { resume: resume.kind }) };
    return this.resumable('TIO_TDI_BIND', args, dsm, resume, (dev) => this.bindProgram(dsm, dev, tdi, p));
  }

  private *bindProgram(dsm: Bdf, dev: DevCtx, tdi: Bdf, p: { gctx: string; guestDeviceId: number; lockFlags: number; run: boolean; outputLen: number }): Program<FwResult<Uint8Array>> {
    const t = this.s.tdis[tdi];
    if (!t || t.dsm !== dsm) return sev('SEV_RET_SEV_STATUS_INVALID_TDI_CTX', `no TDI context for ${tdi} in ${dsm}`);
    const vm = this.fw.vmOfGctx(p.gctx);
    const guest = vm === undefined ? undefined : this.s.guests[vm];
    if (vm === undefined || !guest || (guest.asid === 0 && this.fw.enforces('tdi-bind-requires-launched-guest'))) return sev('SEV_RET_INVALID_GUEST', `no launched guest has context ${p.gctx}`);
    const checksFlags = this.fw.enforces('tdi-bind-checks-lock-flags');
    const bad = checksFlags ? lockFlagProblem(p.lockFlags) : undefined;
    if (bad) return sev('SEV_RET_INVALID_PARAM', bad);
    if (t.status === 'UNBOUND') {
      const caps = yield* exchange(this.tdisp(tdi, { messageType: 'GET_TDISP_CAPABILITIES', tsmCaps: 0 }));
      if (caps.proto !== 'TDISP' || caps.message.messageType !== 'TDISP_CAPABILITIES') return sev('SEV_RET_SPDM_ERROR', `GET_TDISP_CAPABILITIES: ${replyText(caps)}`);
      const unsupported = p.lockFlags & ~caps.message.lockInterfaceFlagsSupported;
      if (unsupported !== 0 && checksFlags) return sev('SEV_RET_INVALID_PARAM', `the device does not support LOCK flags 0x${unsupported.toString(16)}`);
      // The binding is recorded as the LOCK goes out: if the host never brings the answer back,
      // the TDI may be locked, and TIO_TDI_INFO/TIO_TDI_UNBIND must know it.
      Object.assign(t, { status: 'BIND_LOCKED', vm, gctx: p.gctx, asid: guest.asid, guestDeviceId: p.guestDeviceId, lockFlags: p.lockFlags, ran: false, validated: [], nonTee: {} });
      // The PSP keeps the TDI's DMA blocked until the guest writes its sDTE [REF §2].
      const open = !this.fw.enforces('run-keeps-dma-blocked');
      this.s.sdtes[tdi] = { vm, asid: guest.asid, guestDeviceId: p.guestDeviceId, ideStreamId: dev.ideStreamIds[0] ?? 0, valid: open, dmaEnabled: open, vtomEn: false, vtom: VTOM_MAX.toString(16) };
      const lock = yield* exchange(
        this.tdisp(tdi, { messageType: 'LOCK_INTERFACE_REQUEST', flags: p.lockFlags, defaultStreamId: dev.ideStreamIds[0] ?? 0, mmioReportingOffset: 0n, bindP2pAddressMask: 0n }),
      );
      if (lock.proto !== 'TDISP' || lock.message.messageType !== 'LOCK_INTERFACE_RESPONSE') {
        this.unbound(tdi, t);
        return sev('SEV_RET_SPDM_ERROR', `LOCK_INTERFACE_REQUEST: ${replyText(lock)}`);
      }
      t.nonce = toHex(lock.message.startInterfaceNonce);
      const report = yield* this.readReport(tdi);
      if (typeof report === 'string') return sev('SEV_RET_SPDM_ERROR', `GET_DEVICE_INTERFACE_REPORT: ${report}`);
      Object.assign(t, { report: toHex(report), intfReportCounter: ++this.s.reportCounter });
    } else if (!p.run && this.fw.enforces('tdi-bind-requires-unbound')) return sev('SEV_RET_SEV_STATUS_INVALID_TDI_STATE', `${tdi} is ${t.status}`);
    else if (t.gctx !== p.gctx && this.fw.enforces('tdi-commands-require-bound-guest')) return sev('SEV_RET_INVALID_GUEST', `${tdi} is bound to another guest`);
    if (p.run && t.status === 'BIND_LOCKED') {
      if (!t.nonce) return sev('SEV_RET_SEV_STATUS_INVALID_TDI_STATE', `${tdi} has no START_INTERFACE_NONCE`);
      const nonce = t.nonce;
      // As with LOCK: recorded as START goes out.
      Object.assign(t, { status: 'BIND_RUN', ran: true });
      delete t.nonce;
      const start = yield* exchange(this.tdisp(tdi, { messageType: 'START_INTERFACE_REQUEST', startInterfaceNonce: fromHex(nonce) }));
      if (start.proto !== 'TDISP' || start.message.messageType !== 'START_INTERFACE_RESPONSE') {
        Object.assign(t, { status: 'BIND_LOCKED', nonce });
        return sev('SEV_RET_SPDM_ERROR', `START_INTERFACE_REQUEST: ${replyText(start)}`);
      }
    }
    const report = fromHex(t.report ?? '');
    yield* output(report.length, p.outputLen);
    return ok(report);
  }

  /**
   * TIO_TDI_UNBIND: TDISP STOP → CONFIG_UNLOCKED. With TIO_TDI_UNBIND_FLAG_FORCE the binding is
   * dropped even when the device does not confirm the STOP [TEEIO reading of the flag]. The TDI
   * context keeps its guest until TIO_TDI_RECLAIM, so the guest may still invalidate its sDTE
   * and MMIO; its DMA is blocked again.
   */
  tdiUnbind(dsm: Bdf, tdi: Bdf, gctx: string, force: boolean, resume: Resume): FwResult {
    return this.resumable('TIO_TDI_UNBIND', { dsm, tdi, gctx, ...(force ? { flags: 'FORCE' } : {}), ...(resume.kind === 'issue' ? {} : { resume: resume.kind }) }, dsm, resume, () =>
      this.unbindProgram(tdi, gctx, force),
    );
  }

  private *unbindProgram(tdi: Bdf, gctx: string, force: boolean): Program<FwResult> {
    const t = this.s.tdis[tdi];
    if (!t) return sev('SEV_RET_SEV_STATUS_INVALID_TDI_CTX', `no TDI context for ${tdi}`);
    const refused = this.notBoundTo(tdi, t, gctx);
    if (refused) return refused;
    const r = yield* exchange(this.tdisp(tdi, { messageType: 'STOP_INTERFACE_REQUEST' }));
    const stopped = r.proto === 'TDISP' && r.message.messageType === 'STOP_INTERFACE_RESPONSE';
    if (!stopped && !force) return sev('SEV_RET_SPDM_ERROR', `STOP_INTERFACE_REQUEST: ${replyText(r)}`);
    this.unbound(tdi, t);
    return OK;
  }

  /** Why a TDI command naming guest context `gctx` is refused: the TDI is not bound, or not to that guest. */
  private notBoundTo(tdi: Bdf, t: TdiCtx, gctx: string): FwErr | undefined {
    if (t.status === 'UNBOUND' && this.fw.enforces('tdi-requires-bound')) return sev('SEV_RET_SEV_STATUS_INVALID_TDI_STATE', `${tdi} is not bound`);
    if (t.gctx !== gctx && this.fw.enforces('tdi-commands-require-bound-guest')) return sev('SEV_RET_INVALID_GUEST', `${tdi} is bound to another guest`);
    return undefined;
  }

  /** The TDI is no longer bound: its nonce is gone and its DMA blocked; the context keeps its guest until reclaimed. */
  private unbound(tdi: Bdf, t: TdiCtx): void {
    t.status = 'UNBOUND';
    delete t.nonce;
    const sdte = this.s.sdtes[tdi];
    if (sdte) Object.assign(sdte, { valid: false, dmaEnabled: false });
  }

  /** TIO_TDI_STATUS: the TDISP state, asked of the device (GET_DEVICE_INTERFACE_STATE). */
  tdiStatus(dsm: Bdf, tdi: Bdf, resume: Resume): FwResult<TdiStateName> {
    return this.resumable('TIO_TDI_STATUS', { dsm, tdi, ...(resume.kind === 'issue' ? {} : { resume: resume.kind }) }, dsm, resume, () => this.statusProgram(tdi));
  }

  private *statusProgram(tdi: Bdf): Program<FwResult<TdiStateName>> {
    if (!this.s.tdis[tdi]) return sev('SEV_RET_SEV_STATUS_INVALID_TDI_CTX', `no TDI context for ${tdi}`);
    const r = yield* exchange(this.tdisp(tdi, { messageType: 'GET_DEVICE_INTERFACE_STATE' }));
    if (r.proto !== 'TDISP' || r.message.messageType !== 'DEVICE_INTERFACE_STATE') return sev('SEV_RET_SPDM_ERROR', `GET_DEVICE_INTERFACE_STATE: ${replyText(r)}`);
    return ok(TDI_STATE_NAMES.get(r.message.tdiState) ?? 'ERROR');
  }

  private info(t: TdiCtx): TdiInfo {
    const dev = this.s.devices[t.dsm];
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

  /** TIO_TDI_INFO (no SPDM): bind status, lock flags, digests, intf_report_counter, ASID. */
  tdiInfo(dsm: Bdf, tdi: Bdf): FwResult<TdiInfo> {
    return this.command('TIO_TDI_INFO', { dsm, tdi }, () => {
      const t = this.s.tdis[tdi];
      return t && t.dsm === dsm ? ok(this.info(t)) : sev('SEV_RET_SEV_STATUS_INVALID_TDI_CTX', `no TDI context for ${tdi}`);
    });
  }

  /** TIO_TDI_REPORT: reads the report again; a new report bumps intf_report_counter. */
  tdiReport(dsm: Bdf, tdi: Bdf, gctx: string, outputLen: number, resume: Resume): FwResult<Uint8Array> {
    return this.resumable('TIO_TDI_REPORT', { dsm, tdi, gctx, ...(resume.kind === 'issue' ? {} : { resume: resume.kind }) }, dsm, resume, () => this.reportProgram(tdi, gctx, outputLen));
  }

  private *reportProgram(tdi: Bdf, gctx: string, outputLen: number): Program<FwResult<Uint8Array>> {
    const t = this.s.tdis[tdi];
    if (!t) return sev('SEV_RET_SEV_STATUS_INVALID_TDI_CTX', `no TDI context for ${tdi}`);
    const refused = this.notBoundTo(tdi, t, gctx);
    if (refused) return refused;
    const report = yield* this.readReport(tdi);
    if (typeof report === 'string') return sev('SEV_RET_SPDM_ERROR', `GET_DEVICE_INTERFACE_REPORT: ${report}`);
    Object.assign(t, { report: toHex(report), intfReportCounter: ++this.s.reportCounter });
    yield* output(report.length, outputLen);
    return ok(report);
  }

  /** TIO_TDI_RECLAIM: releases an unbound TDI context and its sDTE. The RMP is the host's to clear. */
  tdiReclaim(dsm: Bdf, tdi: Bdf): FwResult {
    return this.command('TIO_TDI_RECLAIM', { dsm, tdi }, () => {
      const t = this.s.tdis[tdi];
      if (!t || t.dsm !== dsm) return sev('SEV_RET_SEV_STATUS_INVALID_TDI_CTX', `no TDI context for ${tdi}`);
      if (t.status !== 'UNBOUND' && this.fw.enforces('tdi-reclaim-requires-unbind')) return sev('SEV_RET_SEV_STATUS_INVALID_TDI_STATE', `${tdi} is ${t.status}: TIO_TDI_UNBIND first`);
      delete this.s.tdis[tdi];
      delete this.s.sdtes[tdi];
      return OK;
    });
  }

  // ---- ASID fences -----------------------------------------------------------------------------

  /** TIO_ASID_FENCE_STATUS for the device (device_id, segment_id) and an ASID. */
  asidFenceStatus(dsm: Bdf, asid: number): FwResult<boolean> {
    return this.command('TIO_ASID_FENCE_STATUS', { dsm, asid }, () => ok(this.fw.fenced(dsm, asid)));
  }

  /** TIO_ASID_FENCE_CLEAR for the device and the guest context's ASID. */
  asidFenceClear(dsm: Bdf, gctx: string): FwResult {
    return this.command('TIO_ASID_FENCE_CLEAR', { dsm, gctx }, () => {
      const vm = this.fw.vmOfGctx(gctx);
      const g = vm === undefined ? undefined : this.s.guests[vm];
      if (!g) return sev('SEV_RET_INVALID_GUEST', `no guest context ${gctx}`);
      delete this.s.fences[fenceKey(dsm, g.asid)];
      return OK;
    });
  }

  // ---- guest requests (TIO_GUEST_REQUEST) -----------------------------------------------------------

  /** The TDI context a guest message names, if it is the guest's. */
  private guestTdi(tdi: Bdf, gctx: string): TdiCtx | undefined {
    const t = this.s.tdis[tdi];
    return t && (t.gctx === gctx || !this.fw.enforces('guest-request-requires-owner')) ? t : undefined;
  }

  /**
   * TIO_MSG_TDI_INFO_REQ: what the guest learns over the VMPCK-protected channel — bind status,
   * lock flags, the certificate, measurement and report digests and tdi_report_count.
   */
  guestTdiInfo(dsm: Bdf, tdi: Bdf, gctx: string): FwResult<TdiInfo> {
    return this.command('TIO_GUEST_REQUEST TDI_INFO_REQ', { dsm, tdi, gctx }, () => {
      const t = this.guestTdi(tdi, gctx);
      return t ? ok(this.info(t)) : sev('SEV_RET_INVALID_GUEST', `${tdi} is not this guest's`);
    });
  }

  /**
   * TIO_MSG_MMIO_VALIDATE_REQ, "AMD's 'pvalidate' for MMIO" [REF §2]: sets RMP.Validated over a
   * subrange of a reported range after checking that every page is assigned to the guest's ASID
   * with the TDI's stream, uniformly (in)validated, immutable while not validated, and mapped at
   * the GPA the guest expects. The command succeeds; the response's status is what the trace
   * shows. validated=0 is accepted from an unbound (not yet reclaimed) TDI: the guest gives up.
   */
  mmioValidate(dsm: Bdf, tdi: Bdf, gctx: string, q: MmioValidateReq): FwResult<{ changed: boolean }> {
    const args = { dsm, tdi, gpa: q.gpa, pages: q.pages, range_id: q.rangeId, range_offset: q.rangeOffset, validated: q.validated ? 1 : 0, ...(q.force ? { force_validated: 1 } : {}) };
    return this.command('TIO_GUEST_REQUEST MMIO_VALIDATE_REQ', args, () => {
      const v = (status: MmioValidateStatusName, detail: string) => fail(status, detail);
      const t = this.guestTdi(tdi, gctx);
      if (!t) return v('MMIO_VALIDATE_INVALID_TDI', `${tdi} is not this guest's`);
      if (q.validated && t.status === 'UNBOUND' && this.fw.enforces('mmio-validate-requires-bound')) return v('MMIO_VALIDATE_TDI_UNBOUND', `${tdi} is not bound`);
      const ranges = this.teeRangesOf(t, q.rangeId);
      if (ranges.length === 0 && this.fw.enforces('guest-range-requires-reported')) return v('MMIO_VALIDATE_NOT_REPORTED', `range id ${q.rangeId} is not a TEE range of the report`);
      const base = ranges.reduce((m, r) => (r.base < m ? r.base : m), ranges[0]?.base ?? 0n);
      const end = ranges.reduce((m, r) => (r.end > m ? r.end : m), 0n);
      const first = base + q.rangeOffset;
      if ((q.pages <= 0 || q.rangeOffset < 0n || pagesEnd(first, q.pages) > end) && this.fw.enforces('mmio-validate-within-range')) return v('MMIO_VALIDATE_OUT_OF_RANGE', `offset 0x${q.rangeOffset.toString(16)} + ${q.pages} page(s) is outside range ${q.rangeId}`);
      const pages = Array.from({ length: q.pages }, (_, i) => ({ hpa: first + BigInt(i) * PAGE, gpa: q.gpa + BigInt(i) * PAGE }));
      const entries = pages.map((p) => rmpEntryAt(this.s.rmp, p.hpa));
      const asid = t.asid ?? 0;
      const stream = this.s.devices[dsm]?.ideStreamIds[0];
      const notAssigned = entries.findIndex((e) => !e || e.asid !== asid || e.ideStreamId !== stream);
      if (notAssigned >= 0 && this.fw.enforces('mmio-validate-requires-assigned')) return v('MMIO_VALIDATE_NOT_ASSIGNED', `page 0x${pages[notAssigned]?.hpa.toString(16)} is not assigned to ASID ${asid} with IDE stream ${stream}`);
      const assigned = entries.filter((e) => e !== undefined);
      if (!q.force && assigned.some((e) => e.validated !== assigned[0]?.validated) && this.fw.enforces('mmio-validate-requires-uniform')) return v('MMIO_VALIDATE_NOT_UNIFORM', 'the Validated bit is not uniform over the subrange');
      const mutable = assigned.findIndex((e) => !e.validated && !e.immutable);
      if (mutable >= 0 && this.fw.enforces('mmio-validate-requires-immutable')) return v('MMIO_VALIDATE_NOT_IMMUTABLE', `page 0x${pages[mutable]?.hpa.toString(16)} is not immutable`);
      const unmapped = assigned.findIndex((e, i) => e.pageGpa !== pages[i]?.gpa);
      if (unmapped >= 0 && this.fw.enforces('mmio-validate-requires-mapped-gpa')) return v('MMIO_VALIDATE_NOT_MAPPED', `page 0x${pages[unmapped]?.hpa.toString(16)} is mapped at GPA 0x${assigned[unmapped]?.pageGpa.toString(16)}, not 0x${pages[unmapped]?.gpa.toString(16)}`);
      const changed = assigned.some((e) => e.validated !== q.validated);
      this.s.rmp = rmpUpdatePages(this.s.rmp, first, q.pages, (e) => ({ ...e, validated: q.validated }));
      const record = { rangeId: q.rangeId, gpa: q.gpa.toString(16), hpa: first.toString(16), pages: q.pages };
      const overlaps = (r: { hpa: string; pages: number }) => BigInt(`0x${r.hpa}`) < pagesEnd(first, q.pages) && first < pagesEnd(BigInt(`0x${r.hpa}`), r.pages);
      t.validated = [...t.validated.filter((r) => !overlaps(r)), ...(q.validated ? [record] : [])];
      return ok({ changed });
    });
  }

  /** TEE ranges of the TDI's report with `rangeId` (IS_NON_TEE_MEM from the report or MMIO_CONFIG excluded). */
  private teeRangesOf(t: TdiCtx, rangeId: number): { index: number; base: bigint; end: bigint; attributes: number }[] {
    if (!t.report) return [];
    return decodeDeviceInterfaceReport(fromHex(t.report))
      .message.mmioRanges.map((r, index) => ({ index, r }))
      .filter(({ r, index }) => r.rangeId === rangeId && (r.rangeAttributes & MmioRangeAttribute.IS_NON_TEE_MEM) === 0 && !t.nonTee[index])
      .map(({ r, index }) => ({ index, base: rangeBase(r), end: pagesEnd(rangeBase(r), r.numberOfPages), attributes: r.rangeAttributes }));
  }

  /**
   * TIO_MSG_SDTE_WRITE_REQ: the PSP writes the TDI's sDTE for the guest; it fills in the ASID,
   * guest device id and IDE stream itself. A valid entry needs a bound TDI; an invalid one (the
   * guest's unlock) is accepted until the TDI context is reclaimed.
   */
  sdteWrite(dsm: Bdf, tdi: Bdf, gctx: string, e: { valid: boolean; dmaEnabled: boolean; vtomEn: boolean; vtom: bigint }): FwResult {
    const args = { dsm, tdi, v: e.valid ? 1 : 0, 'ir/iw': e.dmaEnabled ? 1 : 0, vtom_en: e.vtomEn ? 1 : 0, vtom: e.vtom };
    return this.command('TIO_GUEST_REQUEST SDTE_WRITE_REQ', args, () => {
      const w = (status: SdteWriteStatusName, detail: string) => fail(status, detail);
      const t = this.guestTdi(tdi, gctx);
      const sdte = this.s.sdtes[tdi];
      if (!t || !sdte) return w('SDTE_WRITE_INVALID_TDI', `${tdi} is not this guest's`);
      if (e.valid && t.status === 'UNBOUND' && this.fw.enforces('sdte-write-requires-bound')) return w('SDTE_WRITE_TDI_NOT_BOUND', `${tdi} is not bound`);
      Object.assign(sdte, { valid: e.valid, dmaEnabled: e.valid && e.dmaEnabled, vtomEn: e.vtomEn, vtom: e.vtom.toString(16) });
      return OK;
    });
  }

  /**
   * TIO_MSG_MMIO_CONFIG_REQ: reads, or for a range the report marks IS_MEM_ATTR_UPDATABLE writes,
   * IS_NON_TEE_MEM. A write goes to the device as TDISP SET_MMIO_ATTRIBUTE_REQUEST (RUN only).
   */
  mmioConfig(dsm: Bdf, tdi: Bdf, gctx: string, rangeId: number, write: boolean | undefined, resume: Resume): FwResult<{ nonTee: boolean }> {
    const args = { dsm, tdi, range_id: rangeId, ...(write === undefined ? { op: 'read' } : { op: 'write', is_non_tee_mem: write ? 1 : 0 }) };
    return this.resumable('TIO_GUEST_REQUEST MMIO_CONFIG_REQ', args, dsm, resume, () => this.mmioConfigProgram(tdi, gctx, rangeId, write));
  }

  private *mmioConfigProgram(tdi: Bdf, gctx: string, rangeId: number, write: boolean | undefined): Program<FwResult<{ nonTee: boolean }>> {
    const c = (status: MmioConfigStatusName, detail: string) => fail(status, detail);
    const t = this.guestTdi(tdi, gctx);
    if (!t) return c('MMIO_CONFIG_INVALID_TDI', `${tdi} is not this guest's`);
    if ((t.status === 'UNBOUND' && this.fw.enforces('mmio-config-requires-bound')) || !t.report) return c('MMIO_CONFIG_TDI_UNBOUND', `${tdi} is not bound`);
    const ranges = decodeDeviceInterfaceReport(fromHex(t.report))
      .message.mmioRanges.map((r, index) => ({ r, index }))
      .filter(({ r }) => r.rangeId === rangeId);
    if (ranges.length === 0 && this.fw.enforces('guest-range-requires-reported')) return c('MMIO_CONFIG_NOT_REPORTED', `range id ${rangeId} is not in the report`);
    const nonTee = (i: number, attributes: number) => t.nonTee[i] ?? (attributes & MmioRangeAttribute.IS_NON_TEE_MEM) !== 0;
    if (write === undefined) return ok({ nonTee: ranges.every(({ r, index }) => nonTee(index, r.rangeAttributes)) });
    const fixed = ranges.find(({ r }) => (r.rangeAttributes & MmioRangeAttribute.IS_MEM_ATTR_UPDATABLE) === 0);
    if (fixed && this.fw.enforces('mmio-config-requires-updatable')) return c('MMIO_CONFIG_COULD_NOT_CHANGE', `range ${fixed.index} (id ${rangeId}) is not IS_MEM_ATTR_UPDATABLE`);
    for (const { r, index } of ranges) {
      const attributes = (r.rangeAttributes & ~MmioRangeAttribute.IS_NON_TEE_MEM) | (write ? MmioRangeAttribute.IS_NON_TEE_MEM : 0);
      const reply = yield* exchange(this.tdisp(tdi, { messageType: 'SET_MMIO_ATTRIBUTE_REQUEST', mmioRange: { ...r, rangeAttributes: attributes } }));
      if (reply.proto !== 'TDISP' || reply.message.messageType !== 'SET_MMIO_ATTRIBUTE_RESPONSE') return c('MMIO_CONFIG_COULD_NOT_CHANGE', `SET_MMIO_ATTRIBUTE_REQUEST: ${replyText(reply)}`);
      t.nonTee[index] = write;
    }
    return ok({ nonTee: write });
  }

  // ---- RMP (the RMPUPDATE instruction, issued by KVM and the CCP driver) ------------------------------

  /**
   * rmp_make_private_mmio over a range: each page assigned to `asid` at its GPA with the TDI's IDE
   * stream, not validated. KVM_SEV_SNP_MMIO_RMP_UPDATE asks for immutable entries; RFC v1 passed
   * immutable=false, which MMIO_VALIDATE now refuses (NOT_IMMUTABLE).
   */
  rmpMakePrivate(e: { vm: VmId; tdi: Bdf; asid: number; ideStreamId: number; rangeIndex: number; rangeId: number; hpa: bigint; gpa: bigint; pages: number; immutable: boolean }): FwResult {
    const args = { hpa: e.hpa, gpa: e.gpa, pages: e.pages, asid: e.asid, assigned: 1, immutable: e.immutable ? 1 : 0 };
    return this.calls.call(RMPUPDATE, args, () => {
      const busy = overlaps(this.s.rmp, e.hpa, e.pages);
      if (busy && this.fw.enforces('rmp-update-requires-unassigned')) return fail(RMPUPDATE_FAIL_INUSE, `pages from 0x${busy.hpa} are assigned to ASID ${busy.asid} already`);
      const { vm, tdi, asid, ideStreamId, rangeIndex, rangeId, pages, immutable } = e;
      this.s.rmp.push({ hpa: e.hpa.toString(16), pages, gpa: e.gpa.toString(16), asid, validated: false, immutable, ideStreamId, vm, tdi, rangeIndex, rangeId });
      return OK;
    });
  }

  /**
   * rmp_make_shared over pages: back to the hypervisor. The host may do this at any time ("On
   * AMD, the host can 'revoke' at any time" [REF §3]); teeio lets it revert immutable MMIO
   * entries too, since the sources say the CCP driver clears the RMP but not how.
   */
  rmpMakeShared(hpa: bigint, pages: number, why: string): FwResult {
    return this.calls.call(RMPUPDATE, { hpa, pages, assigned: 0, why }, () => {
      this.s.rmp = rmpUpdatePages(this.s.rmp, hpa, pages, () => undefined);
      return OK;
    });
  }
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

/** Why TIO_INIT cannot run on this platform [REF §1], or undefined. */
function tioInitProblem(p: PspState['platform']): string | undefined {
  const min = TIO_MIN_FW_VERSION;
  if (p.fw.major < min.major || (p.fw.major === min.major && p.fw.minor < min.minor)) return `firmware ${p.fw.major}.${p.fw.minor} < ${min.major}.${min.minor}`;
  if (!p.tioFeature) return 'SNP_FEATURE_INFO does not report SEV-TIO';
  if (!p.snpInit || !p.tioEn) return 'SNP_INIT_EX was not done with tio_en=1';
  if (p.tioInitDone) return 'TIO is initialised already';
  return undefined;
}
