import { type Bdf, type FwResult, type IommuPort, OK, type TrustedDmaContext, type VmId, inject, injectable } from '@teeio/core';
import { STATUS } from '../codes.js';
import { FirmwareModel } from '../firmware/firmware.js';

/**
 * The IOMMU the TSM owns for TVMs [cove-io: the TSM programs the trusted device context]. The
 * T=1 context is set up disabled at bind and enabled only in RUN ("DMA only in RUN" [linux-tsm
 * §4]). v0.1 names no SBI call for these steps: they change the TSM's state without one.
 */
@injectable()
export class Iommu implements IommuPort {
  constructor(@inject(FirmwareModel) private readonly fw: FirmwareModel) {}

  allocViommu(vm: VmId): FwResult {
    this.fw.state.viommus.push(vm);
    return OK;
  }

  freeViommu(vm: VmId): FwResult {
    this.fw.state.viommus = this.fw.state.viommus.filter((v) => v !== vm);
    return OK;
  }

  setupTrusted(vm: VmId, tdi: Bdf): FwResult {
    if (this.fw.state.tdis[tdi]?.vm !== vm) return FirmwareModel.fail(STATUS.INVALID_PARAM, `${tdi}: not bound to ${vm}`);
    this.fw.state.dma.push({ vm, tdi, enabled: false });
    return OK;
  }

  guestEnableDma(vm: VmId, tdi: Bdf): FwResult {
    const context = this.context(vm, tdi);
    if (!context) return FirmwareModel.fail(STATUS.INVALID_PARAM, `${tdi}: no trusted DMA context in ${vm}`);
    if (this.fw.enforces('dma-requires-run') && this.fw.state.tdis[tdi]?.state !== 'RUN') {
      return FirmwareModel.fail(STATUS.INVALID_STATE, `${tdi}: DMA only in RUN`);
    }
    context.enabled = true;
    return OK;
  }

  guestDisableDma(vm: VmId, tdi: Bdf): FwResult {
    const context = this.context(vm, tdi);
    if (context) context.enabled = false;
    return OK;
  }

  teardownTrusted(vm: VmId, tdi: Bdf): FwResult {
    this.fw.state.dma = this.fw.state.dma.filter((c) => !(c.vm === vm && c.tdi === tdi));
    return OK;
  }

  t1Translates(vm: VmId, tdi: Bdf): boolean {
    return this.context(vm, tdi)?.enabled === true && this.fw.state.tdis[tdi]?.state === 'RUN';
  }

  view(): readonly TrustedDmaContext[] {
    return this.fw.state.dma.map((c) => ({ ...c }));
  }

  private context(vm: VmId, tdi: Bdf): { vm: VmId; tdi: Bdf; enabled: boolean } | undefined {
    return this.fw.state.dma.find((c) => c.vm === vm && c.tdi === tdi);
  }
}
