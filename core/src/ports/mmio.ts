import type { Bdf, VmId } from '../model/ids.js';
import type { FwResult } from './result.js';

/** One TEE MMIO range of a TDI as the VM sees it: a report range placed at a guest address. */
export interface TeeMmioRange {
  /** Index of the range in the TDI's interface report (TDG.MMIO.ACCEPT and SEV's range id name it so). */
  readonly rangeIndex: number;
  readonly rangeId: number;
  readonly gpa: bigint;
  readonly hpa: bigint;
  readonly pages: number;
}

/** A private mapping as the firmware holds it; `guestUsable` once the guest accepted or validated it. */
export interface PrivateMapping extends TeeMmioRange {
  readonly vm: VmId;
  readonly tdi: Bdf;
  readonly guestUsable: boolean;
}

/** What a hypervisor access to private MMIO does. `reaches` is what invariant 1 forbids. */
export interface HostAccessOutcome {
  readonly reaches: boolean;
  /** The arch's name for what happens instead (no mapping, RMP fault, machine check, …). */
  readonly effect: string;
  /** The access kills the VM or the host (TDX: a host mapping of TD-owned MMIO). */
  readonly fatal?: boolean;
}

/** What a guest access at a private GPA does. */
export interface GuestAccessOutcome {
  readonly reaches: boolean;
  readonly effect: string;
}

/**
 * Private MMIO in the VM's secure stage-2 (S-EPT / RMP / RTT), the guest's accept-or-validate
 * step, unmapping, and what a hypervisor access to private MMIO does.
 *
 * | op | TDX Connect | SEV-TIO | CCA |
 * |---|---|---|---|
 * | mapPrivate | TDH.MMIO.MAP (S-EPT leaf MMIO_PENDING) | RMP update, KVM_SEV_SNP_MMIO_RMP_UPDATE | RMI_RTT_DEV_MAP (RMI_VDEV_MAP) |
 * | unmapPrivate | TDH.MMIO.BLOCK + TDH.MMIO.UNMAP | rmp_make_shared | RMI_RTT_DEV_UNMAP |
 * | guestAccept | TDG.MMIO.ACCEPT | MMIO_VALIDATE (validated=1) | RSI_VDEV_VALIDATE_MAPPING |
 * | guestRelease | — | MMIO_VALIDATE (validated=0) | RIPAS → EMPTY |
 * | hostAccess | no host mapping may remain | RMP fault, no device disturbance | GPT fault |
 */
export interface MmioPort {
  mapPrivate(vm: VmId, tdi: Bdf, range: TeeMmioRange): FwResult;
  unmapPrivate(vm: VmId, tdi: Bdf, range: TeeMmioRange): FwResult;
  guestAccept(vm: VmId, tdi: Bdf, range: TeeMmioRange): FwResult;
  guestRelease(vm: VmId, tdi: Bdf, range: TeeMmioRange): FwResult;
  /**
   * What a hypervisor access at `hpa` would do now, given whether the host still maps it.
   * Pure: invariants call it after every step.
   */
  hostAccessOutcome(hpa: bigint, hostMapped: boolean): HostAccessOutcome;
  /** Performs a hypervisor access, with its side effects (an RMP fault may fence an ASID). */
  hostAccess(hpa: bigint, hostMapped: boolean, write: boolean): HostAccessOutcome;
  /** A guest load or store at a private GPA. */
  guestAccess(vm: VmId, gpa: bigint, write: boolean): GuestAccessOutcome;
  view(): readonly PrivateMapping[];
}
