import { type AttestationPort, type Bdf, type Evidence, type FwResult, OK, type VmId, fail, fromHex, ok } from '@teeio/core';
import { inject, injectable } from 'tsyringe';
import { CCA, type CacheObject } from '../codes.js';
import { RmmFirmware } from '../firmware/rmm.js';
import { type RsiVdevInfo, RsiCalls } from '../firmware/rsi.js';
import { CcaKvmExits } from '../host/kvm-exits.js';
import { realmDevice } from './guest.js';

/**
 * Evidence on CCA (guest v3 "Verify DA evidence with RSI_VDEV_GET_INFO digests"): the realm
 * reads the certificate chain, measurements and interface report from the host's cache over
 * RHI (RHI_DA_OBJECT_READ), then RSI_VDEV_GET_INFO for the RMM's digests and nonces; the
 * lock nonce is the freshness token ("Unexpected lock/unlock operation from host").
 */
@injectable()
export class CcaAttestation implements AttestationPort {
  constructor(
    @inject(RmmFirmware) private readonly fw: RmmFirmware,
    @inject(RsiCalls) private readonly rsi: RsiCalls,
    @inject(CcaKvmExits) private readonly exits: CcaKvmExits,
  ) {}

  /** The host cached the objects at bind (GET_INTERFACE_REPORT, GET_MEASUREMENTS): nothing more to register. */
  register(vm: VmId, tdi: Bdf): FwResult {
    return this.fw.vdev(tdi)?.realm === vm ? OK : fail('-ENXIO', `${tdi} is not bound to ${vm}`);
  }

  private read(vm: VmId, vdevId: number, object: CacheObject): FwResult<string> {
    return this.rsi.hostCall('RHI_DA_OBJECT_READ', { vdevId, object }, () => this.exits.objectRead(vm, vdevId, object));
  }

  /** RSI_VDEV_GET_INFO; with the evidence, the realm driver keeps the nonces for VALIDATE_MAPPING and DMA_ENABLE. */
  private info(vm: VmId, tdi: Bdf, remember: boolean): FwResult<RsiVdevInfo> {
    const d = realmDevice(this.fw, vm, tdi);
    if (!d) return fail(CCA.RSI_ERROR_INPUT, `${tdi} is not a device of ${vm}`);
    const r = this.rsi.getInfo(vm, d.vdevId, this.exits);
    if (r.ok && remember) this.fw.state.guest[`${vm}/${d.vdevId}`] = { ...r.value.nonces };
    return r;
  }

  getEvidence(vm: VmId, tdi: Bdf): FwResult<Evidence> {
    const d = realmDevice(this.fw, vm, tdi);
    if (!d) return fail(CCA.RSI_ERROR_INPUT, `${tdi} is not a device of ${vm}`);
    const blobs: Partial<Record<CacheObject, string>> = {};
    for (const object of ['CERTIFICATE', 'MEASUREMENTS', 'INTERFACE_REPORT'] as const) {
      const r = this.read(vm, d.vdevId, object);
      if (!r.ok) return r;
      blobs[object] = r.value;
    }
    const info = this.info(vm, tdi, true);
    if (!info.ok) return info;
    const { digests, nonces } = info.value;
    if (!digests.certificates || !digests.measurements || !digests.report || !nonces.lock) return fail(CCA.RSI_ERROR_STATE, `vdev_id ${d.vdevId} has no complete evidence (${info.value.state})`);
    return ok({
      certificates: fromHex(blobs.CERTIFICATE ?? ''),
      measurements: fromHex(blobs.MEASUREMENTS ?? ''),
      interfaceReport: fromHex(blobs.INTERFACE_REPORT ?? ''),
      digests: { certificates: digests.certificates, measurements: digests.measurements, interfaceReport: digests.report },
      freshness: nonces.lock,
    });
  }

  freshness(vm: VmId, tdi: Bdf): FwResult<string> {
    const r = this.info(vm, tdi, false);
    return r.ok ? ok(r.value.nonces.lock ?? '') : r;
  }
}
