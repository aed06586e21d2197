import { type Bdf, type FwResult, type IommuPort, OK, type TrustedDmaContext, type VmId, fail } from '@teeio/core';
import { inject, injectable } from 'tsyringe';
import { CCA } from '../codes.js';
import { RmmFirmware } from '../firmware/rmm.js';
import { RsiCalls } from '../firmware/rsi.js';
import { CcaKvmExits } from '../host/kvm-exits.js';
import { realmDevice } from './guest.js';

/**
 * Trusted DMA on CCA (arm-cca.md §3, TF-RMM lib/smmuv3): the RMM configures the TDI's SMMU
 * stream table entry at RMI_VDEV_CREATE for the realm's own stage 2, disabled; the realm
 * enables it (RSI_VDEV_DMA_ENABLE) and disables it (RSI_VDEV_DMA_DISABLE); RMI_VDEV_UNLOCK
 * disables it and RMI_VDEV_DESTROY releases it. The host has no SMMU call of its own here
 * (the PSMMU_* / VSMMU_* RMIs are not modelled).
 */
@injectable()
export class CcaIommu implements IommuPort {
  constructor(
    @inject(RmmFirmware) private readonly fw: RmmFirmware,
    @inject(RsiCalls) private readonly rsi: RsiCalls,
    @inject(CcaKvmExits) private readonly exits: CcaKvmExits,
  ) {}

  allocViommu(_vm: VmId): FwResult {
    return OK;
  }

  freeViommu(_vm: VmId): FwResult {
    return OK;
  }

  /** Nothing to do: RMI_VDEV_CREATE configured the STE (smmuv3_configure_stream), disabled. */
  setupTrusted(vm: VmId, tdi: Bdf): FwResult {
    return this.fw.vdev(tdi)?.realm === vm ? OK : fail('-ENODEV', `${tdi} has no VDEV of ${vm}`);
  }

  guestEnableDma(vm: VmId, tdi: Bdf): FwResult {
    const d = realmDevice(this.fw, vm, tdi);
    return d ? this.rsi.dmaEnable(vm, d.vdevId, d.nonces, this.exits) : fail(CCA.RSI_ERROR_INPUT, `${tdi} is not a device of ${vm}`);
  }

  guestDisableDma(vm: VmId, tdi: Bdf): FwResult {
    const d = realmDevice(this.fw, vm, tdi);
    return d ? this.rsi.dmaDisable(vm, d.vdevId, this.exits) : OK;
  }

  /** Nothing for the host: the STE is disabled by RMI_VDEV_UNLOCK and released by RMI_VDEV_DESTROY. */
  teardownTrusted(_vm: VmId, _tdi: Bdf): FwResult {
    return OK;
  }

  t1Translates(vm: VmId, tdi: Bdf): boolean {
    const v = this.fw.vdev(tdi);
    return v?.realm === vm && v.ste === 'ENABLED';
  }

  view(): readonly TrustedDmaContext[] {
    return Object.values(this.fw.state.vdevs).map((v) => ({ vm: v.realm, tdi: v.tdi, enabled: v.ste === 'ENABLED' }));
  }
}
