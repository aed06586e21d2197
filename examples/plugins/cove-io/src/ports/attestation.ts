import { type AttestationPort, type Bdf, type Evidence, type FwResult, OK, type VmId, fromHex, inject, injectable, sha384 } from '@teeio/core';
import { STATUS } from '../codes.js';
import { FirmwareModel } from '../firmware/firmware.js';
import { TdiCalls } from '../firmware/tdi.js';

/**
 * Evidence through COVG get_interface_report [cove-io]: the TSM returns the report it read at
 * LOCK with digests the host cannot forge, and the LOCK's START_INTERFACE_NONCE as freshness.
 * The simulated device answers no SPDM GET_CERTIFICATE or GET_MEASUREMENTS, so the model's
 * certificates are fixed bytes naming the device, and the measurements name it with the LOCK's
 * nonce, as an SPDM measurement transcript carries the requester's nonce (model choice): so
 * blobs of an earlier LOCK fail their digests.
 */
@injectable()
export class Attestation implements AttestationPort {
  constructor(
    @inject(FirmwareModel) private readonly fw: FirmwareModel,
    @inject(TdiCalls) private readonly tdis: TdiCalls,
  ) {}

  register(vm: VmId, tdi: Bdf): FwResult {
    const record = this.tdis.ownedBy(vm, tdi);
    if (!record.ok) return record;
    record.value.evidence = true;
    return OK;
  }

  getEvidence(vm: VmId, tdi: Bdf): FwResult<Evidence> {
    return this.fw.call<Evidence>('COVG.GET_INTERFACE_REPORT', { vm, tdi }, () => {
      const record = this.tdis.ownedBy(vm, tdi);
      if (!record.ok) return record;
      const { evidence, report, nonce } = record.value;
      if (!evidence || record.value.state === 'UNLOCKED') return FirmwareModel.fail(STATUS.INVALID_STATE, `${tdi}: no report (not CONFIG_LOCKED or RUN)`);
      const dsm = tdi.replace(/\.\d$/, '.0');
      const certificates = new TextEncoder().encode(`cove-io certificate chain of ${dsm}`);
      const measurements = new TextEncoder().encode(`cove-io measurements of ${dsm}, nonce ${nonce}`);
      const interfaceReport = fromHex(report);
      const digests = { certificates: sha384(certificates), measurements: sha384(measurements), interfaceReport: sha384(interfaceReport) };
      return { ok: true, value: { certificates, measurements, interfaceReport, digests, freshness: nonce } };
    });
  }

  freshness(vm: VmId, tdi: Bdf): FwResult<string> {
    const record = this.tdis.ownedBy(vm, tdi);
    return record.ok ? { ok: true, value: record.value.nonce } : record;
  }
}
