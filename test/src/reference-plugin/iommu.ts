import { type Bdf, FIRMWARE_CALLS, type FirmwareCalls, type FwResult, type IommuPort, OK, type TrustedDmaContext, type VmId, fail } from '@teeio/core';
import { inject, injectable } from 'tsyringe';
import { DevsecFirmware } from './firmware.js';

/** A trusted DMA context per TDI, disabled until the guest enables it. */
@injectable()
export class DevsecIommu implements IommuPort {
  constructor(
    @inject(FIRMWARE_CALLS) private readonly calls: FirmwareCalls,
    @inject(DevsecFirmware) private readonly fw: DevsecFirmware,
  ) {}

  private context(vm: VmId, tdi: Bdf) {
    return this.fw.state.dma.find((c) => c.vm === vm && c.tdi === tdi);
  }

  allocViommu(vm: VmId): FwResult {
    return this.calls.call('DEVSEC.VIOMMU_ALLOC', { vm }, () => OK);
  }

  freeViommu(vm: VmId): FwResult {
    return this.calls.call('DEVSEC.VIOMMU_FREE', { vm }, () => OK);
  }

  setupTrusted(vm: VmId, tdi: Bdf): FwResult {
    return this.calls.call('DEVSEC.DMA_SETUP', { vm, tdi }, () => {
      if (!this.context(vm, tdi)) this.fw.state.dma.push({ vm, tdi, enabled: false });
      return OK;
    });
  }

  guestEnableDma(vm: VmId, tdi: Bdf): FwResult {
    return this.calls.call('DEVSEC.DMA_ENABLE', { vm, tdi }, () => {
      const c = this.context(vm, tdi);
      if (!c) return fail('DEVSEC_NO_CONTEXT', `no trusted DMA context for ${tdi}`);
      c.enabled = true;
      return OK;
    });
  }

  guestDisableDma(vm: VmId, tdi: Bdf): FwResult {
    return this.calls.call('DEVSEC.DMA_DISABLE', { vm, tdi }, () => {
      const c = this.context(vm, tdi);
      if (c) c.enabled = false;
      return OK;
    });
  }

  teardownTrusted(vm: VmId, tdi: Bdf): FwResult {
    return this.calls.call('DEVSEC.DMA_TEARDOWN', { vm, tdi }, () => {
      this.fw.state.dma = this.fw.state.dma.filter((c) => !(c.vm === vm && c.tdi === tdi));
      return OK;
    });
  }

  t1Translates(vm: VmId, tdi: Bdf): boolean {
    return this.context(vm, tdi)?.enabled === true;
  }

  view(): readonly TrustedDmaContext[] {
    return this.fw.state.dma.map((c) => ({ ...c }));
  }
}
