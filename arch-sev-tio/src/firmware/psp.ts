import { type Bdf, type CallArgs, DEVICE_LINK, type DeviceLink, FIRMWARE_CALLS, type FirmwareCalls, type FwErr, type FwResult, RANDOM, type SeededRandom, type TdiStateName, type VmId, ok, parseBdf, toHex } from '@teeio/core';
import { inject, injectable } from 'tsyringe';
import { RMPUPDATE } from '../codes.js';
import { type PspContext, sev } from './command.js';
import { type ConnectParams, type DevStatus, certificatesProgram, connectProgram, devCreate, devReclaim, devStatus, disconnectProgram, measurementsProgram } from './device-context.js';
import { type Resume, requestText } from './exchange.js';
import { type SdteRequest, guestTdiInfo, mmioConfigProgram, sdteWrite } from './guest-request.js';
import { type MmioValidateReq, mmioValidate } from './mmio-validate.js';
import { decommission, fenceClear, gctxCreate, launchStart, tioInit, tioStatus } from './platform.js';
import { type RmpAssignment, rmpMakePrivate, rmpMakeShared } from './rmp.js';
import { type DevCtx, type Program, SevTioFirmware, type SpdmRequest, type TioStatus } from './state.js';
import { type BindParams, type TdiInfo, bindProgram, reportProgram, statusProgram, tdiCreate, tdiInfoOf, tdiReclaim, unbindProgram } from './tdi-context.js';

/** The trace arguments of a re-issued command: how it was resumed. */
const resumedBy = (resume: Resume) => (resume.kind === 'issue' ? {} : { resume: resume.kind });

/**
 * The PSP's SEV-TIO firmware: the command dispatcher. Every command of the reference goes through
 * the core's FirmwareCalls by its name (traced, subject to fail_nth), is refused before TIO_INIT,
 * and runs its body from the file of the object it works on. Commands that need the device return
 * SEV_RET_SPDM_REQUEST with a request data object and are resumed when the host re-issues them
 * with the device's answer; commands that output more than the host's buffer holds return
 * SEV_RET_EXPAND_BUFFER_LENGTH_REQUEST. No SPDM session is modelled: no GET_VERSION/KEY_EXCHANGE,
 * no secured messages, no signatures. The simulated device answers DOE discovery and PCI-SIG
 * vendor-defined messages (TDISP, IDE_KM) only, so the PSP's requests are plain
 * DOBJ_DATA_TYPE_SPDM objects and certificates and measurements are the model's own bytes.
 */
@injectable()
export class Psp {
  private readonly ctx: PspContext;

  constructor(
    @inject(FIRMWARE_CALLS) private readonly calls: FirmwareCalls,
    @inject(DEVICE_LINK) link: DeviceLink,
    @inject(RANDOM) random: SeededRandom,
    @inject(SevTioFirmware) private readonly fw: SevTioFirmware,
  ) {
    this.ctx = { fw, link, random };
  }

  private tioReady(): FwErr | undefined {
    return this.fw.state.platform.tioInitDone || !this.fw.enforces('tio-init-before-commands') ? undefined : sev('SEV_RET_INVALID_PLATFORM_STATE', 'TIO_INIT has not been done');
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
      const dev = this.fw.state.devices[dsm];
      if (!dev) return sev('SEV_RET_SEV_STATUS_INVALID_DEV_CTX', `no device context for ${dsm}`);
      let program: Program<FwResult<T>>;
      let input: unknown;
      if (resume.kind === 'issue') {
        this.fw.abandon(dsm);
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

  /** The request the PSP put in the request buffer, for the host to carry (SEV_RET_SPDM_REQUEST). */
  spdmRequest(dsm: Bdf): SpdmRequest | undefined {
    return this.fw.state.devices[dsm]?.pending?.request;
  }

  /** How big the output buffer must grow (SEV_RET_EXPAND_BUFFER_LENGTH_REQUEST). */
  bufferNeeded(dsm: Bdf): number | undefined {
    return this.fw.state.devices[dsm]?.pending?.needed;
  }

  // ---- SNP guest context (platform.ts) --------------------------------------------------------

  /**
   * SNP_GCTX_CREATE: the guest context page whose address names the VM in TIO_TDI_BIND. With
   * SNP_LAUNCH_START and SNP_DECOMMISSION these are psp-sev.h's SEV_CMD_SNP_* commands; the
   * reference names only the guest context (gctx_paddr).
   */
  snpGctxCreate(vm: VmId): FwResult<string> {
    return this.calls.call('SNP_GCTX_CREATE', { vm }, () => gctxCreate(this.ctx, vm));
  }

  /** SNP_LAUNCH_START: the guest context gets its ASID. */
  snpLaunchStart(vm: VmId): FwResult<number> {
    return this.calls.call('SNP_LAUNCH_START', { vm, gctx: this.fw.state.guests[vm]?.gctx, asid: this.fw.state.nextAsid }, () => launchStart(this.ctx, vm));
  }

  /**
   * SNP_DECOMMISSION. The guest context must outlive every TDI bound to it ("tsm_tdi_unbind() is
   * not called before the guest disappeared from the firmware" [REF §3]): refused with
   * SEV_RET_IN_USE while TDIs are bound to it [TEEIO: the sources give the rule, not the code].
   */
  snpDecommission(vm: VmId): FwResult {
    return this.calls.call('SNP_DECOMMISSION', { vm, gctx: this.fw.state.guests[vm]?.gctx }, () => decommission(this.ctx, vm));
  }

  // ---- platform (platform.ts) -----------------------------------------------------------------

  /** TIO_STATUS: whether TIO is enabled and initialised, and the buffer and context sizes. */
  tioStatus(): FwResult<TioStatus> {
    return this.calls.call('TIO_STATUS', {}, () => tioStatus(this.ctx));
  }

  /** TIO_INIT: needs firmware ≥ 1.55, SNP_FEATURE_INFO EBX bit 1 and SNP_INIT_EX with tio_en=1 [REF §1]; runs once. */
  tioInit(): FwResult {
    return this.calls.call('TIO_INIT', {}, () => tioInit(this.ctx));
  }

  // ---- device context (device-context.ts) -----------------------------------------------------

  /** TIO_DEV_CREATE: a device context for PF0 (no SPDM). */
  devCreate(dsm: Bdf, deviceId: number, rootPortId: number, segmentId: number): FwResult {
    return this.command('TIO_DEV_CREATE', { dsm, device_id: deviceId, root_port_id: rootPortId, segment_id: segmentId }, () => devCreate(this.ctx, dsm, deviceId, rootPortId, segmentId));
  }

  /**
   * TIO_DEV_CONNECT: "Establishes a secure SPDM session… Constructs IDE selective streams between
   * the root complex and the device" [REF §1], through the host's DOE relay; the output is the
   * certificate data object.
   */
  devConnect(dsm: Bdf, p: ConnectParams, resume: Resume): FwResult<Uint8Array> {
    const args = { dsm, tc_mask: p.tcMask, cert_slot: p.certSlot, ide_stream_id: p.ideStreamIds.join(','), ...resumedBy(resume) };
    return this.resumable('TIO_DEV_CONNECT', args, dsm, resume, (dev) => connectProgram(this.ctx, dsm, dev, p));
  }

  /**
   * TIO_DEV_DISCONNECT: refused while the device has TDI contexts (a device "cannot be
   * disconnected while TDIs are bound" [REF §1]); unless forced ("without SPDM traffic") the PSP
   * stops the IDE keys it set going (K_SET_STOP) before it drops the session.
   */
  devDisconnect(dsm: Bdf, force: boolean, resume: Resume): FwResult {
    return this.resumable('TIO_DEV_DISCONNECT', { dsm, force, ...resumedBy(resume) }, dsm, resume, (dev) => disconnectProgram(this.ctx, dsm, dev, force));
  }

  /** TIO_DEV_RECLAIM: releases the device context; it must not be connected or have TDIs. */
  devReclaim(dsm: Bdf): FwResult {
    return this.command('TIO_DEV_RECLAIM', { dsm }, () => devReclaim(this.ctx, dsm));
  }

  /** TIO_DEV_STATUS: ctx_state, streams, digests and TDI counts. */
  devStatus(dsm: Bdf): FwResult<DevStatus> {
    return this.command('TIO_DEV_STATUS', { dsm }, () => devStatus(this.ctx, dsm));
  }

  /** TIO_DEV_MEASUREMENTS with meas_nonce[32]. SPDM GET_MEASUREMENTS is not modelled. */
  devMeasurements(dsm: Bdf, nonce: Uint8Array, outputLen: number, resume: Resume): FwResult<Uint8Array> {
    return this.resumable('TIO_DEV_MEASUREMENTS', { dsm, meas_nonce: toHex(nonce).slice(0, 16) + '…' }, dsm, resume, (dev) => measurementsProgram(this.ctx, dsm, dev, nonce, outputLen));
  }

  /** TIO_DEV_CERTIFICATES: the certificate chain read at connect. */
  devCertificates(dsm: Bdf, outputLen: number, resume: Resume): FwResult<Uint8Array> {
    return this.resumable('TIO_DEV_CERTIFICATES', { dsm }, dsm, resume, (dev) => certificatesProgram(this.ctx, dsm, dev, outputLen));
  }

  // ---- TDI context (tdi-context.ts) -----------------------------------------------------------

  /** TIO_TDI_CREATE: a TDI context whose TDISP interface id is the host RID. */
  tdiCreate(dsm: Bdf, tdi: Bdf): FwResult {
    return this.command('TIO_TDI_CREATE', { dsm, tdi, interface_id: parseBdf(tdi)?.requesterId ?? 0 }, () => tdiCreate(this.ctx, dsm, tdi));
  }

  /**
   * TIO_TDI_BIND: binds the TDI to the guest named by its guest context and guest BDF, with the
   * TDISP LOCK flags (must-be values checked); LOCK_INTERFACE → CONFIG_LOCKED and the report is
   * read and output. With RUN_FORCE a bound, locked TDI is started (START_INTERFACE → RUN).
   */
  tdiBind(dsm: Bdf, tdi: Bdf, p: BindParams, resume: Resume): FwResult<Uint8Array> {
    const args = { dsm, tdi, gctx: p.gctx, guest_device_id: p.guestDeviceId, tdisp_lock_if: p.lockFlags, run: p.run ? 'RUN_FORCE' : 0, ...resumedBy(resume) };
    return this.resumable('TIO_TDI_BIND', args, dsm, resume, (dev) => bindProgram(this.ctx, dsm, dev, tdi, p));
  }

  /**
   * TIO_TDI_UNBIND: TDISP STOP → CONFIG_UNLOCKED. With TIO_TDI_UNBIND_FLAG_FORCE the binding is
   * dropped even when the device does not confirm the STOP [TEEIO reading of the flag]. The TDI
   * context keeps its guest until TIO_TDI_RECLAIM, so the guest may still invalidate its sDTE
   * and MMIO; its DMA is blocked again.
   */
  tdiUnbind(dsm: Bdf, tdi: Bdf, gctx: string, force: boolean, resume: Resume): FwResult {
    const args = { dsm, tdi, gctx, ...(force ? { flags: 'FORCE' } : {}), ...resumedBy(resume) };
    return this.resumable('TIO_TDI_UNBIND', args, dsm, resume, () => unbindProgram(this.ctx, tdi, gctx, force));
  }

  /** TIO_TDI_STATUS: the TDISP state, asked of the device (GET_DEVICE_INTERFACE_STATE). */
  tdiStatus(dsm: Bdf, tdi: Bdf, resume: Resume): FwResult<TdiStateName> {
    return this.resumable('TIO_TDI_STATUS', { dsm, tdi, ...resumedBy(resume) }, dsm, resume, () => statusProgram(this.ctx, tdi));
  }

  /** TIO_TDI_INFO (no SPDM): bind status, lock flags, digests, intf_report_counter, ASID. */
  tdiInfo(dsm: Bdf, tdi: Bdf): FwResult<TdiInfo> {
    return this.command('TIO_TDI_INFO', { dsm, tdi }, () => {
      const t = this.fw.state.tdis[tdi];
      return t && t.dsm === dsm ? ok(tdiInfoOf(this.ctx, t)) : sev('SEV_RET_SEV_STATUS_INVALID_TDI_CTX', `no TDI context for ${tdi}`);
    });
  }

  /** TIO_TDI_REPORT: reads the report again; a new report bumps intf_report_counter. */
  tdiReport(dsm: Bdf, tdi: Bdf, gctx: string, outputLen: number, resume: Resume): FwResult<Uint8Array> {
    return this.resumable('TIO_TDI_REPORT', { dsm, tdi, gctx, ...resumedBy(resume) }, dsm, resume, () => reportProgram(this.ctx, tdi, gctx, outputLen));
  }

  /** TIO_TDI_RECLAIM: releases an unbound TDI context and its sDTE. The RMP is the host's to clear. */
  tdiReclaim(dsm: Bdf, tdi: Bdf): FwResult {
    return this.command('TIO_TDI_RECLAIM', { dsm, tdi }, () => tdiReclaim(this.ctx, dsm, tdi));
  }

  // ---- ASID fences ----------------------------------------------------------------------------

  /** TIO_ASID_FENCE_STATUS for the device (device_id, segment_id) and an ASID. */
  asidFenceStatus(dsm: Bdf, asid: number): FwResult<boolean> {
    return this.command('TIO_ASID_FENCE_STATUS', { dsm, asid }, () => ok(this.fw.fenced(dsm, asid)));
  }

  /** TIO_ASID_FENCE_CLEAR for the device and the guest context's ASID. */
  asidFenceClear(dsm: Bdf, gctx: string): FwResult {
    return this.command('TIO_ASID_FENCE_CLEAR', { dsm, gctx }, () => fenceClear(this.ctx, dsm, gctx));
  }

  // ---- guest requests, TIO_GUEST_REQUEST (guest-request.ts, mmio-validate.ts) ----------------

  /** TIO_MSG_TDI_INFO_REQ: what the guest learns over the VMPCK-protected channel. */
  guestTdiInfo(dsm: Bdf, tdi: Bdf, gctx: string): FwResult<TdiInfo> {
    return this.command('TIO_GUEST_REQUEST TDI_INFO_REQ', { dsm, tdi, gctx }, () => guestTdiInfo(this.ctx, tdi, gctx));
  }

  /** TIO_MSG_MMIO_VALIDATE_REQ, "AMD's 'pvalidate' for MMIO" [REF §2]. */
  mmioValidate(dsm: Bdf, tdi: Bdf, gctx: string, q: MmioValidateReq): FwResult<{ changed: boolean }> {
    const args = { dsm, tdi, gpa: q.gpa, pages: q.pages, range_id: q.rangeId, range_offset: q.rangeOffset, validated: q.validated ? 1 : 0, ...(q.force ? { force_validated: 1 } : {}) };
    return this.command('TIO_GUEST_REQUEST MMIO_VALIDATE_REQ', args, () => mmioValidate(this.ctx, dsm, tdi, gctx, q));
  }

  /** TIO_MSG_SDTE_WRITE_REQ: the PSP writes the TDI's sDTE for the guest; it fills in the ASID, guest device id and IDE stream itself. */
  sdteWrite(dsm: Bdf, tdi: Bdf, gctx: string, e: SdteRequest): FwResult {
    const args = { dsm, tdi, v: e.valid ? 1 : 0, 'ir/iw': e.dmaEnabled ? 1 : 0, vtom_en: e.vtomEn ? 1 : 0, vtom: e.vtom };
    return this.command('TIO_GUEST_REQUEST SDTE_WRITE_REQ', args, () => sdteWrite(this.ctx, tdi, gctx, e));
  }

  /** TIO_MSG_MMIO_CONFIG_REQ: reads, or for a range the report marks IS_MEM_ATTR_UPDATABLE writes, IS_NON_TEE_MEM. */
  mmioConfig(dsm: Bdf, tdi: Bdf, gctx: string, rangeId: number, write: boolean | undefined, resume: Resume): FwResult<{ nonTee: boolean }> {
    const args = { dsm, tdi, range_id: rangeId, ...(write === undefined ? { op: 'read' } : { op: 'write', is_non_tee_mem: write ? 1 : 0 }) };
    return this.resumable('TIO_GUEST_REQUEST MMIO_CONFIG_REQ', args, dsm, resume, () => mmioConfigProgram(this.ctx, tdi, gctx, rangeId, write));
  }

  // ---- RMP (the RMPUPDATE instruction, issued by KVM and the CCP driver; rmp.ts) --------------

  /**
   * rmp_make_private_mmio over a range: each page assigned to `asid` at its GPA with the TDI's IDE
   * stream, not validated. KVM_SEV_SNP_MMIO_RMP_UPDATE asks for immutable entries; RFC v1 passed
   * immutable=false, which MMIO_VALIDATE now refuses (NOT_IMMUTABLE).
   */
  rmpMakePrivate(e: RmpAssignment): FwResult {
    const args = { hpa: e.hpa, gpa: e.gpa, pages: e.pages, asid: e.asid, assigned: 1, immutable: e.immutable ? 1 : 0 };
    return this.calls.call(RMPUPDATE, args, () => rmpMakePrivate(this.fw, e));
  }

  /**
   * rmp_make_shared over pages: back to the hypervisor. The host may do this at any time ("On
   * AMD, the host can 'revoke' at any time" [REF §3]); teeio lets it revert immutable MMIO
   * entries too, since the sources say the CCP driver clears the RMP but not how.
   */
  rmpMakeShared(hpa: bigint, pages: number, why: string): FwResult {
    return this.calls.call(RMPUPDATE, { hpa, pages, assigned: 0, why }, () => rmpMakeShared(this.fw, hpa, pages));
  }
}
