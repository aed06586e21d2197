import { type Bdf, type FwResult, type IommuPort, OK, type TrustedDmaContext, type VmId, fail } from '@teeio/core';
import { inject, injectable } from 'tsyringe';
import { Psp } from '../firmware/psp.js';
import { SevTioFirmware } from '../firmware/state.js';
import { VTOM_MAX } from '../firmware/tdi-context.js';
import { SevTioHost } from '../host/ccp.js';
import { Errno } from '../host/errno.js';

/**
 * The IOMMU port. AMD has no secure vIOMMU object: the host IOMMU's page table maps all guest
 * memory (from guest_memfd) and the RMP is the check [REF §2]. The trusted context of a TDI is
 * its sDTE, which the PSP creates at TIO_TDI_BIND with DMA blocked and writes only on the guest's
 * SDTE_WRITE request; the host's part is a DTE that routes the TDI's T=1 traffic through it.
 */
@injectable()
export class SevTioIommu implements IommuPort {
  constructor(
    @inject(SevTioHost) private readonly host: SevTioHost,
    @inject(Psp) private readonly psp: Psp,
    @inject(SevTioFirmware) private readonly fw: SevTioFirmware,
  ) {}

  /** No firmware object: nothing to allocate (no call is made). */
  allocViommu(_vm: VmId): FwResult {
    return OK;
  }

  freeViommu(_vm: VmId): FwResult {
    return OK;
  }

  /** The host DTE for the TDI routes T=1 requests through its sDTE (the RFC's DTE bit 96). */
  setupTrusted(vm: VmId, tdi: Bdf): FwResult {
    if (!this.host.route(vm, tdi)) return fail(Errno.EINVAL, `${tdi} is not bound to ${vm}`);
    this.fw.state.host.dte[tdi] = { vm };
    return OK;
  }

  /** TIO_MSG_SDTE_WRITE_REQ: v=1, ir/iw=1, vTOM at its maximum so that all DMA is private. */
  guestEnableDma(vm: VmId, tdi: Bdf): FwResult {
    const r = this.host.route(vm, tdi);
    if (!r) return fail(Errno.ENODEV, `${tdi} is not assigned to ${vm}`);
    return this.psp.sdteWrite(r.dsm, tdi, r.gctx, { valid: true, dmaEnabled: true, vtomEn: true, vtom: VTOM_MAX });
  }

  /** SDTE_WRITE invalidate: the guest's unlock ("HV is unable to restart it as MMIO is still blocked for HV"). */
  guestDisableDma(vm: VmId, tdi: Bdf): FwResult {
    const r = this.host.route(vm, tdi);
    if (!r) return fail(Errno.ENODEV, `${tdi} is not assigned to ${vm}`);
    return this.psp.sdteWrite(r.dsm, tdi, r.gctx, { valid: false, dmaEnabled: false, vtomEn: false, vtom: 0n });
  }

  teardownTrusted(_vm: VmId, tdi: Bdf): FwResult {
    delete this.fw.state.host.dte[tdi];
    return OK;
  }

  /**
   * T=1 DMA of the TDI reaches the guest when its sDTE is valid with DMA enabled, the host DTE
   * routes through it, the TDI is BIND_RUN, and the root complex has not fenced the ASID (a fenced
   * ASID's DMA is dropped: Baolu's "silent DMA drops" [REF §3], teeio's reading).
   */
  t1Translates(vm: VmId, tdi: Bdf): boolean {
    const s = this.fw.state.sdtes[tdi];
    const t = this.fw.state.tdis[tdi];
    return s !== undefined && t !== undefined && s.vm === vm && s.valid && s.dmaEnabled && t.status === 'BIND_RUN' && this.fw.state.host.dte[tdi]?.vm === vm && !this.fw.fenced(t.dsm, s.asid);
  }

  /** sDTEs the PSP holds and host DTEs set up for one. */
  view(): readonly TrustedDmaContext[] {
    const s = this.fw.state;
    const tdis = new Set([...Object.keys(s.sdtes), ...Object.keys(s.host.dte)]);
    return [...tdis].map((tdi) => ({ vm: s.sdtes[tdi]?.vm ?? s.host.dte[tdi]?.vm ?? '', tdi, enabled: s.sdtes[tdi]?.dmaEnabled === true }));
  }
}
