import { type AttestationPort, type Bdf, DEVICE_LINK, type DeviceLink, type Evidence, FIRMWARE_CALLS, type FirmwareCalls, type FwResult, OK, type VmId, fail, fromHex, ok, sha384 } from '@teeio/core';
import { inject, injectable } from 'tsyringe';
import { DevsecFirmware } from './firmware.js';

/**
 * Evidence from what devsec recorded: the DSM's synthetic certificates, measurements bound to
 * this LOCK (as SPDM GET_MEASUREMENTS signs the requester's nonce into its transcript), the
 * report it read at LOCK, SHA-384 digests, and the LOCK nonce's digest as freshness.
 */
@injectable()
export class DevsecAttestation implements AttestationPort {
  constructor(
    @inject(FIRMWARE_CALLS) private readonly calls: FirmwareCalls,
    @inject(DEVICE_LINK) private readonly link: DeviceLink,
    @inject(DevsecFirmware) private readonly fw: DevsecFirmware,
  ) {}

  register(vm: VmId, tdi: Bdf): FwResult {
    return this.calls.call('DEVSEC.REGISTER', { vm, tdi }, () => {
      if (this.fw.tdi(tdi)?.vm !== vm) return fail('DEVSEC_NOT_BOUND', `${tdi} is not bound to ${vm}`);
      if (!this.fw.state.registered.includes(tdi)) this.fw.state.registered.push(tdi);
      return OK;
    });
  }

  getEvidence(vm: VmId, tdi: Bdf): FwResult<Evidence> {
    return this.calls.call('DEVSEC.GET_EVIDENCE', { vm, tdi }, () => {
      const t = this.fw.tdi(tdi);
      const dsm = this.fw.state.evidence[this.link.dsmOf(tdi)];
      if (!t || t.vm !== vm || !dsm || !this.fw.state.registered.includes(tdi)) return fail('DEVSEC_NOT_REGISTERED', `${tdi} has no evidence for ${vm}`);
      const certificates = fromHex(dsm.certificates);
      const measurements = fromHex(dsm.measurements + t.freshness);
      const interfaceReport = fromHex(t.report);
      return ok({
        certificates,
        measurements,
        interfaceReport,
        digests: { certificates: sha384(certificates), measurements: sha384(measurements), interfaceReport: sha384(interfaceReport) },
        freshness: t.freshness,
      });
    });
  }

  freshness(vm: VmId, tdi: Bdf): FwResult<string> {
    const t = this.fw.tdi(tdi);
    return t && t.vm === vm ? ok(t.freshness) : fail('DEVSEC_NOT_BOUND', `${tdi} is not bound to ${vm}`);
  }
}
