import { type Bdf, type FwResult, type IommuPort, type TrustedDmaContext, type VmId, inject, injectable } from '@teeio/core';
import { FirmwareModel } from '../firmware/firmware.js';
import { todo } from '../todo.js';

const FILE = 'src/ports/iommu.ts';

/** The secure vIOMMU and the TDI's trusted (T=1) DMA context. */
@injectable()
export class Iommu implements IommuPort {
  constructor(@inject(FirmwareModel) protected readonly fw: FirmwareModel) {}

  allocViommu(vm: VmId): FwResult {
    return todo(FILE, `allocViommu(${vm})`);
  }

  freeViommu(vm: VmId): FwResult {
    return todo(FILE, `freeViommu(${vm})`);
  }

  setupTrusted(vm: VmId, tdi: Bdf): FwResult {
    return todo(FILE, `setupTrusted(${vm}, ${tdi}): the trusted DMA context, disabled`);
  }

  guestEnableDma(vm: VmId, tdi: Bdf): FwResult {
    return todo(FILE, `guestEnableDma(${vm}, ${tdi})`);
  }

  guestDisableDma(vm: VmId, tdi: Bdf): FwResult {
    return todo(FILE, `guestDisableDma(${vm}, ${tdi})`);
  }

  teardownTrusted(vm: VmId, tdi: Bdf): FwResult {
    return todo(FILE, `teardownTrusted(${vm}, ${tdi})`);
  }

  t1Translates(_vm: VmId, _tdi: Bdf): boolean {
    return false;
  }

  view(): readonly TrustedDmaContext[] {
    return [];
  }
}
