import type { Bdf, VmId } from '../model/ids.js';
import type { TeeMmioRange } from '../ports/mmio.js';

/**
 * The host kernel's objects as plain data (cloned for snapshots, hashed canonically). Names
 * follow the kernel: pdev->tsm, pdev->tsm->tdi, iommufd vIOMMU/vDEVICE, kvm memslots.
 */

export interface PciFunctionState {
  readonly dsm: Bdf;
  readonly isTdi: boolean;
  /** Command register: Bus Master Enable, Memory Space Enable. */
  bme: boolean;
  mse: boolean;
  /** DSM only: tsm/connect succeeded (pdev->tsm set). */
  connected: boolean;
  /** pdev->tsm->tdi: the TDI is bound to a VM; `report` is the host's (untrusted) copy, hex. */
  bound?: { vm: VmId; tdiId: number; report: string };
  /** FLRs and BME/MSE losses so far: ground truth for the stale-mapping invariant. */
  resetEpoch: number;
}

export interface VfioDeviceState {
  open: boolean;
  /** The VMM has the BARs mmapped: hypervisor mappings of the MMIO. */
  hostMmap: boolean;
  /** The shared dma-buf was revoked (dma_buf_move_notify): KVM may not map the MMIO shared. */
  sharedRevoked: boolean;
}

export interface VdeviceState {
  readonly vm: VmId;
  /** The guest's Requester ID for the device (vRID). */
  readonly virtId: number;
}

export interface IommufdState {
  /** One vIOMMU per VM, holding a reference on its KVM. */
  viommus: Record<VmId, { id: number }>;
  vdevices: Record<Bdf, VdeviceState>;
  /** vDEVICEs that were destroyed by closing their device first ("forcibly destroyed"). */
  forced: Bdf[];
  nextId: number;
}

/** A private MMIO range KVM asked the firmware to map, with the device's reset epoch then. */
export interface MappedRange extends TeeMmioRange {
  readonly resetEpoch: number;
}

export interface VmState {
  /** created → destroyed; a failed firmware teardown leaves it `destroy-failed`. */
  phase: 'running' | 'destroyed' | 'destroy-failed';
  /** The VMM still holds the KVM fd. */
  fdOpen: boolean;
  /** Kernel objects holding a reference on the KVM (kvm_get_kvm): `viommu`, `vfio:<bdf>`. */
  holders: string[];
  /** KVM_BUG_ON: a fatal failure killed the VM. */
  killed?: string;
  /** TDIs whose MMIO KVM maps shared (EPT/NPT). */
  sharedMmio: Bdf[];
  privateMmio: Record<Bdf, MappedRange[]>;
  /** TDIs still bound when the VM was destroyed. */
  boundAtDestroy?: Bdf[];
}

export interface HostState {
  pci: Record<Bdf, PciFunctionState>;
  vfio: Record<Bdf, VfioDeviceState>;
  iommufd: IommufdState;
  kvm: Record<VmId, VmState>;
}

export function initialHostState(functions: readonly { bdf: Bdf; dsm: Bdf; isTdi: boolean }[]): HostState {
  return {
    pci: Object.fromEntries(functions.map((f) => [f.bdf, { dsm: f.dsm, isTdi: f.isTdi, bme: true, mse: true, connected: false, resetEpoch: 0 }])),
    vfio: {},
    iommufd: { viommus: {}, vdevices: {}, forced: [], nextId: 1 },
    kvm: {},
  };
}
