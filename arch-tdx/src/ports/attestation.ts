import { type AttestationPort, type Bdf, type Evidence, type FwResult, OK, type VmId, fail, fromHex, ok } from '@teeio/core';
import { inject, injectable } from 'tsyringe';
import { TDX } from '../codes.js';
import { TdxHostDriver } from '../host/driver.js';
import { DevifCalls } from '../firmware/devif.js';
import { TdxFirmware } from '../firmware/firmware.js';
import { SpdmIdeCalls } from '../firmware/spdm-ide.js';

const SHA384_HEX = 96;

/**
 * Evidence for a TDX Connect TDI. At bind the host has the module re-collect the device's
 * information over its session (TDH.SPDM.MNG(DEV_INFO_RECOLLECTION): fresh measurements), which
 * the module keeps with the TDI. The guest gets the blobs through the untrusted VMM (TDCM
 * GET_TDI_REPORT, [G26]) and the hashes from the module (TDG.TDI.RD GET_TDISP_REPORT_HASH and
 * GET_DEVICE_ATTESTATION_INFO_HASH, [OVMM]); the bind session, which changes at every LOCK, is
 * the freshness token it later names in TDG.TDI.START.
 */
@injectable()
export class TdxAttestation implements AttestationPort {
  constructor(
    @inject(TdxFirmware) private readonly fw: TdxFirmware,
    @inject(TdxHostDriver) private readonly host: TdxHostDriver,
    @inject(SpdmIdeCalls) private readonly spdm: SpdmIdeCalls,
    @inject(DevifCalls) private readonly devif: DevifCalls,
  ) {}

  register(vm: VmId, tdi: Bdf): FwResult {
    const d = this.fw.devif(tdi);
    if (!d || d.td !== vm) return fail('-ENXIO', `${tdi} is not bound to ${vm}`);
    const spdmId = d.spdmId;
    return this.host.extension(String(spdmId), () => this.spdm.spdmMng(spdmId, 'DEV_INFO_RECOLLECTION'), () => OK, spdmId);
  }

  /** TDCM GET_TDI_REPORT: the VMM copies the report and attestation information the module holds. */
  private relayedBlobs(vm: VmId, tdi: Bdf): FwResult<{ report: string; certificates: string; measurements: string }> {
    return this.fw.call('TDG.VP.VMCALL<TDCM>', { command: 'GET_TDI_REPORT', funcId: tdi }, () => {
      const d = this.fw.devif(tdi);
      if (!d || d.td !== vm || !d.reportComplete || !d.attestation) return fail(TDX.VMCALL_INVALID_OPERAND, `the VMM has no report of ${tdi} for ${vm}`);
      return ok({ report: d.report, certificates: d.attestation.certificates, measurements: d.attestation.measurements });
    });
  }

  getEvidence(vm: VmId, tdi: Bdf): FwResult<Evidence> {
    const blobs = this.relayedBlobs(vm, tdi);
    if (!blobs.ok) return blobs;
    const reportHash = this.devif.tdgTdiRd(vm, tdi, 'TDISP_REPORT_HASH');
    if (!reportHash.ok) return reportHash;
    const infoHash = this.devif.tdgTdiRd(vm, tdi, 'DEVICE_ATTESTATION_INFO_HASH');
    if (!infoHash.ok) return infoHash;
    const session = this.readBindSession(vm, tdi);
    if (!session.ok) return session;
    return ok({
      certificates: fromHex(blobs.value.certificates),
      measurements: fromHex(blobs.value.measurements),
      interfaceReport: fromHex(blobs.value.report),
      digests: { certificates: infoHash.value.slice(0, SHA384_HEX), measurements: infoHash.value.slice(SHA384_HEX), interfaceReport: reportHash.value },
      freshness: session.value,
    });
  }

  /** TDG.TDI.RD(BIND_SESSION); the guest driver remembers it for TDG.TDI.START. */
  private readBindSession(vm: VmId, tdi: Bdf): FwResult<string> {
    const r = this.devif.tdgTdiRd(vm, tdi, 'BIND_SESSION');
    if (r.ok) this.fw.state.guest[`${vm}/${tdi}`] = { bindSession: Number.parseInt(r.value, 16) };
    return r;
  }

  freshness(vm: VmId, tdi: Bdf): FwResult<string> {
    return this.devif.tdgTdiRd(vm, tdi, 'BIND_SESSION');
  }
}
