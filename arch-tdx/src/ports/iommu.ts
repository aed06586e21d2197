import { type Bdf, type FwResult, type IommuPort, OK, TRACER, type Tracer, type TrustedDmaContext, type VmId } from '@teeio/core';
import { inject, injectable } from 'tsyringe';
import { retryBusy } from '../host/driver.js';
import { DmarCalls } from '../firmware/dmar.js';
import { TdxFirmware } from '../firmware/firmware.js';

/**
 * Trusted DMA for TDX Connect. The secure vIOMMU needs no module call: every TDI of a TD shares
 * one trusted domain whose page table is the TD's S-EPT ("the same table for KVM S-EPT and
 * Secure IOMMU PT"); the module builds the TDI's context entries at bind (TDH.DMAR.ADD), the
 * guest accepts them (TDG.DMAR.ACCEPT), and the host blocks, invalidates and removes them at
 * teardown (TDH.DMAR.BLOCK, TDH.IQINV.REQ, TDH.DMAR.REMOVE).
 */
@injectable()
export class TdxIommu implements IommuPort {
  constructor(
    @inject(TdxFirmware) private readonly fw: TdxFirmware,
    @inject(DmarCalls) private readonly dmar: DmarCalls,
    @inject(TRACER) private readonly tracer: Tracer,
  ) {}

  allocViommu(_vm: VmId): FwResult {
    return OK;
  }

  freeViommu(_vm: VmId): FwResult {
    return OK;
  }

  setupTrusted(vm: VmId, tdi: Bdf): FwResult {
    return this.dmar.dmarAdd(vm, tdi);
  }

  guestEnableDma(vm: VmId, tdi: Bdf): FwResult {
    return this.dmar.tdgDmarAccept(vm, tdi);
  }

  /** TDX has no guest call to disable trusted DMA: the guest asks the host (TDCM), which blocks the entry. */
  guestDisableDma(_vm: VmId, tdi: Bdf): FwResult {
    const e = this.fw.state.dmar[tdi];
    if (!e || e.state === 'BLOCKED') return OK;
    return this.tracer.as('iommufd', () => this.dmar.dmarBlock(tdi));
  }

  /**
   * Block (unless blocked), invalidate (unless done), remove: a repeated teardown continues
   * where it stopped. Teardown is not given up on a busy module: each call is made once more.
   */
  teardownTrusted(_vm: VmId, tdi: Bdf): FwResult {
    const e = this.fw.state.dmar[tdi];
    if (!e) return OK;
    if (e.state !== 'BLOCKED') {
      const r = retryBusy(() => this.dmar.dmarBlock(tdi));
      if (!r.ok) return r;
    }
    if (!this.fw.state.dmar[tdi]?.invalidated) {
      const r = retryBusy(() => this.dmar.iqInvalidate(tdi));
      if (!r.ok) return r;
    }
    return retryBusy(() => this.dmar.dmarRemove(tdi));
  }

  t1Translates(vm: VmId, tdi: Bdf): boolean {
    const e = this.fw.state.dmar[tdi];
    return e?.td === vm && e.state === 'PRESENT';
  }

  view(): readonly TrustedDmaContext[] {
    return Object.values(this.fw.state.dmar).map((e) => ({ vm: e.td, tdi: e.tdi, enabled: e.state === 'PRESENT' }));
  }
}
