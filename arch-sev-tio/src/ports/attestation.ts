import { type AttestationPort, type Bdf, type Evidence, type FwResult, type VmId, fail, fromHex, ok } from '@teeio/core';
import { inject, injectable } from 'tsyringe';
import { SevTioHost } from '../host/ccp.js';
import { Errno } from '../host/errno.js';
import { SevTioKvm } from '../host/kvm.js';
import { Psp } from '../firmware/psp.js';
import { SevTioFirmware } from '../firmware/state.js';

/**
 * Evidence the SEV-TIO way [REF §2]: the host fills the blob table in shared (untrusted) guest
 * pages with the certificates, measurements and report; the guest gets their SHA-384 digests and
 * tdi_report_count from TIO_MSG_TDI_INFO_REQ, encrypted under its VMPCK, and checks one against
 * the other. intf_report_counter is the freshness token: a relock reads a new report.
 */
@injectable()
export class SevTioAttestation implements AttestationPort {
  constructor(
    @inject(SevTioHost) private readonly host: SevTioHost,
    @inject(SevTioKvm) private readonly kvm: SevTioKvm,
    @inject(Psp) private readonly psp: Psp,
    @inject(SevTioFirmware) private readonly fw: SevTioFirmware,
  ) {}

  /** The host fills the blob table: TIO_DEV_CERTIFICATES, TIO_DEV_MEASUREMENTS (nonce), TIO_TDI_REPORT. */
  register(vm: VmId, tdi: Bdf): FwResult {
    return this.kvm.fillBlobTable(vm, tdi);
  }

  getEvidence(vm: VmId, tdi: Bdf): FwResult<Evidence> {
    const r = this.host.route(vm, tdi);
    if (!r) return fail(Errno.ENODEV, `${tdi} is not assigned to ${vm}`);
    const info = this.psp.guestTdiInfo(r.dsm, tdi, r.gctx);
    if (!info.ok) return info;
    const blobs = this.fw.state.host.blobs[tdi];
    if (!blobs) return fail(Errno.ENOENT, 'the blob table has no TIO_GUID_CERTIFICATES/MEASUREMENTS/REPORT entries');
    return ok({
      certificates: fromHex(blobs.certificates),
      measurements: fromHex(blobs.measurements),
      interfaceReport: fromHex(blobs.interfaceReport),
      digests: { certificates: info.value.certsDigest, measurements: info.value.measDigest, interfaceReport: info.value.interfaceReportDigest },
      freshness: `intf_report_counter=${info.value.intfReportCounter}`,
    });
  }

  /** TDI_INFO again: the counter now. */
  freshness(vm: VmId, tdi: Bdf): FwResult<string> {
    const r = this.host.route(vm, tdi);
    if (!r) return fail(Errno.ENODEV, `${tdi} is not assigned to ${vm}`);
    const info = this.psp.guestTdiInfo(r.dsm, tdi, r.gctx);
    return info.ok ? ok(`intf_report_counter=${info.value.intfReportCounter}`) : info;
  }
}
