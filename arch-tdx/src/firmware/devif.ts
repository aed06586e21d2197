import {
  type Bdf,
  type FwResult,
  LockInterfaceFlag,
  MmioRangeAttribute,
  OK,
  TdiState,
  type TdiStateName,
  type TdispMessage,
  type VmId,
  decodeDeviceInterfaceReport,
  fail,
  fromHex,
  interfaceIdOfBdf,
  ok,
  rangeBase,
  sha384,
  toHex,
} from '@teeio/core';
import { inject, injectable } from 'tsyringe';
import { TDX } from '../codes.js';
import { type ExtHandler, TdxFirmware, type Transfer } from './firmware.js';
import { TDISP_VERSION, describe, readTdisp, tdispRelay } from './messages.js';
import { keyRefreshNeeded } from './spdm-ide.js';
import type { DevifState } from './state.js';

/** TDISP requests the VMM may generate through TDH.DEVIF.REQUEST (START is the TD's: TDG.TDI.START → TDH.TDI.START). */
export const VMM_TDISP_REQUESTS = ['LOCK_INTERFACE_REQUEST', 'GET_DEVICE_INTERFACE_REPORT', 'GET_DEVICE_INTERFACE_STATE', 'STOP_INTERFACE_REQUEST'] as const;
export type VmmTdispRequest = (typeof VMM_TDISP_REQUESTS)[number];

/** What TDG.TDI.RD reads ([OVMM] field names; BIND_SESSION and TDISP_STATE after [G26]'s use). */
export type TdiField = 'TDISP_REPORT_HASH' | 'DEVICE_ATTESTATION_INFO_HASH' | 'BIND_SESSION' | 'TDISP_STATE';

const STATE_NAMES = new Map<number, TdiStateName>(Object.entries(TdiState).map(([k, v]) => [v, k as TdiStateName]));
/** [MOD] tdh_devif_request.c: in ERROR only these requests go out. */
const ALLOWED_IN_ERROR = ['GET_DEVICE_INTERFACE_STATE', 'STOP_INTERFACE_REQUEST'];

/** The bind session as TDG.TDI.RD reads it. */
export const bindSessionText = (n: number): string => n.toString(16).padStart(8, '0');

/** The TEE MMIO ranges of a report, with their index in it. */
export function teeRangesOf(reportHex: string): { rangeIndex: number; rangeId: number; hpa: bigint; pages: number }[] {
  return decodeDeviceInterfaceReport(fromHex(reportHex)).message.mmioRanges.flatMap((r, rangeIndex) =>
    (r.rangeAttributes & MmioRangeAttribute.IS_NON_TEE_MEM) !== 0 ? [] : [{ rangeIndex, rangeId: r.rangeId, hpa: rangeBase(r), pages: r.numberOfPages }],
  );
}

/**
 * DEVIF (TDI) contexts: creation with the host BDF and the TD as identity, TDISP requests the
 * module builds and the host relays (prototype TDH.DEVIF.REQUEST / TDH.DEVIF.RESPONSE, [MOD]:
 * the only names that describe LOCK and STOP through the module), MMIO ownership
 * (TDH.MMIO.MT.SET, named in [G26]/[OVMM] comments), START (TDG.TDI.START authorises,
 * TDH.TDI.START moves to RUN), TDG.TDI.RD, and removal.
 *
 * The module's tdisp_sts follows its own requests (LOCK → CONFIG_LOCKED, START → RUN, STOP →
 * CONFIG_UNLOCKED) and learns ERROR from GET_DEVICE_INTERFACE_STATE; it never infers
 * CONFIG_UNLOCKED from the device ("Intel TSM does not know the device's TDI state"; the
 * firmware "just checks if STOP TDI firmware call is executed", Yilun).
 *
 * The 2023 prototype let only the TD read the report and used a random mmio_reporting_offset;
 * teeio follows the newer flow ([G26]: the host serves GET_TDI_REPORT, the guest checks it
 * against TDG.TDI.RD's hash) and locks with mmio_reporting_offset 0 as the core requires.
 */
@injectable()
export class DevifCalls {
  constructor(@inject(TdxFirmware) private readonly fw: TdxFirmware) {}

  private get s() {
    return this.fw.state;
  }

  /** TDH.DEVIF.CREATE(stream_id, devif_id = host BDF, tdr_pa = the TD, devifcs_pa) ([AIK]). */
  devifCreate(tdi: Bdf, vm: VmId, streamHandle: number): FwResult {
    const td = this.fw.td(vm);
    return this.fw.call('TDH.DEVIF.CREATE', { stream: streamHandle, devifId: tdi, tdr: td?.tdr ?? vm }, () => {
      if (!td) return fail(TDX.OPERAND_INVALID, `${vm} has no TD`);
      if (this.fw.devif(tdi)) return fail(TDX.DEVIFMT_ALREADY_PRESENT, `${tdi} has a DEVIF already`);
      const x = this.fw.stream(streamHandle);
      if (!x) return fail(TDX.OPERAND_INVALID, `no IDE stream ${streamHandle}`);
      if (!x.keyed || x.blocked) return fail(TDX.IDE_STREAM_INVALID_STATE, `IDE stream ${streamHandle} is ${x.blocked ? 'blocked' : 'not keyed'}`);
      if (this.fw.spdm(x.spdmId)?.state !== 'CONNECTED') return fail(TDX.OPERAND_INVALID, `session ${x.spdmId} is not connected`);
      this.s.devifs[tdi] = {
        tdi,
        dsm: x.dsm,
        spdmId: x.spdmId,
        streamHandle,
        td: vm,
        tdispSts: 'CONFIG_UNLOCKED',
        bindSession: 0,
        report: '',
        reportComplete: false,
        mmiomt: [],
        dmarMapped: false,
      };
      return OK;
    });
  }

  private build(d: DevifState, type: string): TdispMessage | undefined {
    const head = { version: TDISP_VERSION, interfaceId: interfaceIdOfBdf(d.tdi) };
    switch (type) {
      case 'LOCK_INTERFACE_REQUEST':
        return {
          ...head,
          messageType: 'LOCK_INTERFACE_REQUEST',
          // [MOD]: no_fw_update is valid only on LOCK.
          flags: LockInterfaceFlag.NO_FW_UPDATE,
          defaultStreamId: this.fw.stream(d.streamHandle)?.ideStreamId ?? 0,
          mmioReportingOffset: 0n,
          bindP2pAddressMask: 0n,
        };
      case 'GET_DEVICE_INTERFACE_REPORT':
        return { ...head, messageType: 'GET_DEVICE_INTERFACE_REPORT', offset: d.report.length / 2, length: 0xffff };
      case 'GET_DEVICE_INTERFACE_STATE':
        return { ...head, messageType: 'GET_DEVICE_INTERFACE_STATE' };
      case 'STOP_INTERFACE_REQUEST':
        return { ...head, messageType: 'STOP_INTERFACE_REQUEST' };
      default:
        return undefined;
    }
  }

  /** The ERROR filter of [MOD]: a request the module will not send while it knows the TDI is in ERROR. */
  private refusedInError(d: DevifState, type: string): FwResult | undefined {
    if (d.tdispSts !== 'ERROR' || ALLOWED_IN_ERROR.includes(type) || !this.fw.enforces('devif-error-state-filter')) return undefined;
    return fail(TDX.DEVIF_TDISP_ERROR_STATE, `${d.tdi} is in ERROR: only GET_DEVICE_INTERFACE_STATE and STOP_INTERFACE_REQUEST`);
  }

  /**
   * TDH.DEVIF.REQUEST(func_id, request, td_flag): the module writes the TDISP request into the
   * request page for the host to relay; TDH.DEVIF.RESPONSE hands it the answer.
   */
  devifRequest(tdi: Bdf, type: VmmTdispRequest, fromTd = false): FwResult {
    return this.fw.call('TDH.DEVIF.REQUEST', { tdi, request: type, ...(fromTd ? { tdFlag: true } : {}) }, () => {
      const d = this.fw.devif(tdi);
      if (!d) return fail(TDX.OPERAND_INVALID, `${tdi} has no DEVIF`);
      const inError = this.refusedInError(d, type);
      if (inError) return inError;
      if (d.outstanding && this.fw.enforces('devif-one-outstanding-request')) return fail(TDX.DEVIF_TDISP_OUT_REQ, `${d.outstanding.type} awaits its response`);
      if (fromTd && d.tdRequested !== type && this.fw.enforces('devif-td-request-needs-tdg-request'))
        return fail(TDX.DEVIF_TDISP_INVALID_REQ_STS, `the TD did not request ${type} (TDG.DEVIF.REQUEST)`);
      const refresh = keyRefreshNeeded(this.fw.spdm(d.spdmId));
      if (refresh) return refresh;
      const message = this.build(d, type);
      if (!message) return fail(TDX.OPERAND_INVALID, `${type} is not a request the VMM generates`);
      d.outstanding = { type, fromTd, request: tdispRelay(tdi, message) };
      if (fromTd) delete d.tdRequested;
      return OK;
    });
  }

  /** The request page of `tdi`'s outstanding TDISP request. */
  requestPage(tdi: Bdf) {
    return this.fw.devif(tdi)?.outstanding?.request;
  }

  /**
   * TDH.DEVIF.RESPONSE(func_id, response page): the module checks the answer against its
   * request and updates the DEVIF. Yields the report's remainder length for a report portion.
   */
  devifResponse(tdi: Bdf, t: Transfer): FwResult<{ remainder: number }> {
    return this.fw.call('TDH.DEVIF.RESPONSE', { tdi, transfer: 'failed' in t ? t.failed : 'ok' }, () => {
      const d = this.fw.devif(tdi);
      if (!d) return fail(TDX.OPERAND_INVALID, `${tdi} has no DEVIF`);
      const out = d.outstanding;
      if (!out) return fail(TDX.DEVIF_TDISP_OUT_REQ, `no TDISP request of ${tdi} is outstanding`);
      // [MOD] keeps the request outstanding after an invalid response; teeio clears it so the host can send another.
      delete d.outstanding;
      if ('failed' in t) return fail(TDX.DEVIF_TDISP_INVALID_MESSAGE, `no response to ${out.type}: ${t.failed}`);
      const m = readTdisp(t.response);
      const spdm = this.fw.spdm(d.spdmId);
      if (m && spdm) spdm.messages++;
      return this.consume(d, out.type, m);
    });
  }

  private consume(d: DevifState, type: string, m: TdispMessage | undefined): FwResult<{ remainder: number }> {
    const bad = () => fail(TDX.DEVIF_TDISP_INVALID_MESSAGE, `${describe(m)} does not answer ${type}`);
    switch (type) {
      case 'LOCK_INTERFACE_REQUEST':
        if (m?.messageType !== 'LOCK_INTERFACE_RESPONSE') return bad();
        Object.assign(d, { tdispSts: 'CONFIG_LOCKED', nonce: toHex(m.startInterfaceNonce), bindSession: this.s.next.bindSession++, report: '', reportComplete: false });
        delete d.startAuthorised;
        delete d.attestation;
        return ok({ remainder: 0 });
      case 'GET_DEVICE_INTERFACE_REPORT':
        if (m?.messageType !== 'DEVICE_INTERFACE_REPORT') return bad();
        d.report += toHex(m.portion);
        d.reportComplete = m.remainderLength === 0;
        return ok({ remainder: m.remainderLength });
      case 'STOP_INTERFACE_REQUEST':
        if (m?.messageType !== 'STOP_INTERFACE_RESPONSE') return bad();
        d.tdispSts = 'CONFIG_UNLOCKED';
        delete d.nonce;
        delete d.startAuthorised;
        return ok({ remainder: 0 });
      case 'GET_DEVICE_INTERFACE_STATE':
        if (m?.messageType !== 'DEVICE_INTERFACE_STATE') return bad();
        if (STATE_NAMES.get(m.tdiState) === 'ERROR') d.tdispSts = 'ERROR';
        return ok({ remainder: 0 });
      default:
        return bad();
    }
  }

  /** TDH.MMIO.MT.SET: declares one TEE MMIO range of the locked report owned by the DEVIF (its TD). */
  mmioMtSet(tdi: Bdf, hpa: bigint, pages: number): FwResult {
    return this.fw.call('TDH.MMIO.MT.SET', { tdi, hpa, pages }, () => {
      const d = this.fw.devif(tdi);
      if (!d) return fail(TDX.OPERAND_INVALID, `${tdi} has no DEVIF`);
      if (d.tdispSts !== 'CONFIG_LOCKED' || !d.reportComplete) return fail(TDX.DEVIF_TDISP_INVALID_STATE, `${tdi} has no locked report (${d.tdispSts})`);
      const range = teeRangesOf(d.report).find((r) => r.hpa === hpa && r.pages === pages);
      if (!range) return fail(TDX.OPERAND_INVALID, `0x${hpa.toString(16)} (${pages} pages) is not a TEE range of ${tdi}'s report`);
      const key = `0x${hpa.toString(16)}`;
      if (Object.values(this.s.devifs).some((x) => x.mmiomt.some((e) => e.hpa === key))) return fail(TDX.MMIO_INVALID_PAGE_METADATA, `${key} is owned already`);
      d.mmiomt.push({ hpa: key, pages, rangeIndex: range.rangeIndex, rangeId: range.rangeId, mapped: false });
      return OK;
    });
  }

  /** TDH.DEVIF.REMOVE: ownership reclaim and metadata free, last in the teardown order. */
  devifRemove(tdi: Bdf): FwResult {
    return this.fw.call('TDH.DEVIF.REMOVE', { tdi }, () => {
      const d = this.fw.devif(tdi);
      if (!d) return fail(TDX.OPERAND_INVALID, `${tdi} has no DEVIF`);
      const blocked = this.fw.stream(d.streamHandle)?.blocked === true;
      if (d.tdispSts !== 'CONFIG_UNLOCKED' && !blocked && this.fw.enforces('devif-remove-requires-stop'))
        return fail(TDX.DEVIF_INVALID_STATE, `${tdi} is ${d.tdispSts} (no STOP through the module) and its IDE stream is not blocked`);
      if (d.dmarMapped && this.fw.enforces('devif-remove-requires-no-dma')) return fail(TDX.DEVIF_HAS_MAPPED_DMA, `the trusted DMA context of ${tdi} is still mapped`);
      const mapped = d.mmiomt.filter((e) => e.mapped);
      if (mapped.length > 0 && this.fw.enforces('devif-remove-requires-no-mmio'))
        return fail(TDX.DEVIF_HAS_MAPPED_MMIO, `${mapped.length} MMIO range(s) of ${tdi} are still mapped in the S-EPT`);
      delete this.s.devifs[tdi];
      return OK;
    });
  }

  /** Every TEE MMIO range of the report is owned and mapped private in the TD's S-EPT. */
  private allMmioPrivate(d: DevifState): boolean {
    if (!d.reportComplete) return false;
    const td = this.fw.td(d.td);
    return teeRangesOf(d.report).every((r) => {
      const hpa = `0x${r.hpa.toString(16)}`;
      const owned = d.mmiomt.find((e) => e.hpa === hpa);
      const leaf = td && Object.values(td.mmio).find((l) => l.hpa === hpa && l.tdi === d.tdi);
      return owned?.mapped === true && leaf !== undefined && leaf.state !== 'MMIO_BLOCKED';
    });
  }

  private readonly startHandler: ExtHandler = {
    begin: (call) => {
      const d = this.fw.devif(call.key);
      if (!d) return { done: fail(TDX.OPERAND_INVALID, `${call.key} has no DEVIF`) };
      if (d.startAuthorised !== d.bindSession && this.fw.enforces('tdi-start-requires-authorisation'))
        return { done: fail(TDX.DEVIF_TDISP_INVALID_REQ_STS, `the TD has not authorised START of bind session ${bindSessionText(d.bindSession)} (TDG.TDI.START)`) };
      // [GUIDE]: the TSM "ensures TEE-MMIO mapped as private GPA before allowing DSM to transition to RUN".
      if (!this.allMmioPrivate(d) && this.fw.enforces('tdi-start-requires-private-mmio'))
        return { done: fail(TDX.TDI_MMIO_NOT_MAPPED, `not every TEE MMIO range of ${d.tdi} is mapped private in ${d.td}'s S-EPT`) };
      if (d.outstanding && this.fw.enforces('devif-one-outstanding-request')) return { done: fail(TDX.DEVIF_TDISP_OUT_REQ, `${d.outstanding.type} awaits its response`) };
      const refresh = keyRefreshNeeded(this.fw.spdm(d.spdmId));
      if (refresh) return { done: refresh };
      // "Intel TSM does not know the device's TDI state": ask before starting.
      const m = this.build(d, 'GET_DEVICE_INTERFACE_STATE');
      return m ? { relay: tdispRelay(d.tdi, m), phase: 'GET_DEVICE_INTERFACE_STATE' } : { done: fail(TDX.OPERAND_INVALID, 'internal') };
    },
    resume: (call, response) => {
      const d = this.fw.devif(call.key);
      if (!d) return { done: fail(TDX.OPERAND_INVALID, `${call.key} has no DEVIF`) };
      const m = readTdisp(response);
      const spdm = this.fw.spdm(d.spdmId);
      if (m && spdm) spdm.messages++;
      if (call.phase === 'GET_DEVICE_INTERFACE_STATE') {
        if (m?.messageType !== 'DEVICE_INTERFACE_STATE') return { done: fail(TDX.DEVIF_TDISP_INVALID_MESSAGE, `${describe(m)} does not answer GET_DEVICE_INTERFACE_STATE`) };
        if (STATE_NAMES.get(m.tdiState) === 'ERROR') d.tdispSts = 'ERROR';
        const inError = this.refusedInError(d, 'START_INTERFACE_REQUEST');
        if (inError) return { done: inError };
        if (!d.nonce) return { done: fail(TDX.DEVIF_TDISP_INVALID_STATE, `${d.tdi} holds no START_INTERFACE nonce (not locked)`) };
        return { relay: tdispRelay(d.tdi, { version: TDISP_VERSION, interfaceId: interfaceIdOfBdf(d.tdi), messageType: 'START_INTERFACE_REQUEST', startInterfaceNonce: fromHex(d.nonce) }), phase: 'START_INTERFACE_REQUEST' };
      }
      if (m?.messageType !== 'START_INTERFACE_RESPONSE') return { done: fail(TDX.DEVIF_TDISP_INVALID_MESSAGE, `${describe(m)} does not answer START_INTERFACE_REQUEST`) };
      d.tdispSts = 'RUN';
      delete d.nonce;
      return { done: OK };
    },
  };

  /** TDH.TDI.START: "the TDISP transition to RUN happens on the host's subsequent TDH.TDI.START" ([OVMM], [G26]). */
  tdiStart(tdi: Bdf): FwResult {
    return this.fw.extension('TDH.TDI.START', tdi, { tdi }, this.startHandler);
  }

  resumeTdiStart(tdi: Bdf, t: Transfer): FwResult {
    return this.fw.resume('TDH.TDI.START', tdi, { tdi }, t, this.startHandler);
  }

  private owned(vm: VmId, tdi: Bdf): DevifState | FwResult<never> {
    const d = this.fw.devif(tdi);
    return d && d.td === vm ? d : fail(TDX.OPERAND_INVALID, `${tdi} is not a device interface of ${vm}`);
  }

  /** TDG.TDI.START(func_id, exp_bind_session): the guest authorises the start; nothing reaches the device yet. */
  tdgTdiStart(vm: VmId, tdi: Bdf, expBindSession: number): FwResult {
    return this.fw.call('TDG.TDI.START', { funcId: tdi, expBindSession: bindSessionText(expBindSession) }, () => {
      const d = this.owned(vm, tdi);
      if ('ok' in d) return d;
      if (expBindSession !== d.bindSession) return fail(TDX.OPERAND_INVALID, `exp_bind_session ${bindSessionText(expBindSession)} is not the bind session ${bindSessionText(d.bindSession)}`);
      d.startAuthorised = d.bindSession;
      return OK;
    });
  }

  /** TDG.DEVIF.REQUEST (prototype): the TD asks for a TDISP request the host then relays with td_flag. */
  tdgDevifRequest(vm: VmId, tdi: Bdf, type: VmmTdispRequest): FwResult {
    return this.fw.call('TDG.DEVIF.REQUEST', { funcId: tdi, request: type }, () => {
      const d = this.owned(vm, tdi);
      if ('ok' in d) return d;
      d.tdRequested = type;
      return OK;
    });
  }

  /**
   * TDG.TDI.RD(func_id, field): what the guest reads over the channel the host cannot forge.
   * DEVICE_ATTESTATION_INFO_HASH is the SHA-384 of the certificate chain followed by that of
   * the measurements (teeio's layout: the core verifies each blob).
   */
  tdgTdiRd(vm: VmId, tdi: Bdf, field: TdiField): FwResult<string> {
    return this.fw.call('TDG.TDI.RD', { funcId: tdi, field }, () => {
      const d = this.owned(vm, tdi);
      if ('ok' in d) return d;
      switch (field) {
        case 'TDISP_REPORT_HASH':
          return d.reportComplete ? ok(sha384(fromHex(d.report))) : fail(TDX.METADATA_FIELD_NOT_READABLE, `${tdi} has no report`);
        case 'DEVICE_ATTESTATION_INFO_HASH':
          return d.attestation ? ok(sha384(fromHex(d.attestation.certificates)) + sha384(fromHex(d.attestation.measurements))) : fail(TDX.METADATA_FIELD_NOT_READABLE, `no attestation information for ${tdi}`);
        case 'BIND_SESSION':
          return d.bindSession > 0 ? ok(bindSessionText(d.bindSession)) : fail(TDX.METADATA_FIELD_NOT_READABLE, `${tdi} was never locked`);
        case 'TDISP_STATE':
          return ok(d.tdispSts);
      }
    });
  }
}
