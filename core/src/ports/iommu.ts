import type { Bdf, VmId } from '../model/ids.js';
import type { FwResult } from './result.js';

/** A trusted (T=1) DMA context as the firmware holds it. */
export interface TrustedDmaContext {
  readonly vm: VmId;
  readonly tdi: Bdf;
  /** The guest enabled T=1 DMA through it. */
  readonly enabled: boolean;
}

/**
 * The secure vIOMMU, the TDI's trusted (T=1) DMA context, and the guest's enable step.
 *
 * | op | TDX Connect | SEV-TIO | CCA |
 * |---|---|---|---|
 * | allocViommu | trusted domain for the TD | — (host IOMMU mirrors, RMP checks) | vSMMU (PSMMU/VSMMU) |
 * | setupTrusted | trusted context entries, not present | sDTE slot, DMA blocked | STE configured, disabled (at RMI_VDEV_CREATE) |
 * | guestEnableDma | TDG.DMAR.ACCEPT (S-EPT root as SLPTR) | SDTE_WRITE guest request | RSI_VDEV_DMA_ENABLE |
 * | teardownTrusted | TDH.DMAR.BLOCK/REMOVE | sDTE invalidate | smmuv3_disable_ste |
 */
export interface IommuPort {
  allocViommu(vm: VmId): FwResult;
  freeViommu(vm: VmId): FwResult;
  setupTrusted(vm: VmId, tdi: Bdf): FwResult;
  guestEnableDma(vm: VmId, tdi: Bdf): FwResult;
  guestDisableDma(vm: VmId, tdi: Bdf): FwResult;
  teardownTrusted(vm: VmId, tdi: Bdf): FwResult;
  /** Whether a T=1 DMA from `tdi` would be translated into `vm`'s private memory now. Pure. */
  t1Translates(vm: VmId, tdi: Bdf): boolean;
  view(): readonly TrustedDmaContext[];
}
