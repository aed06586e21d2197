import { assignedVm } from '../host/kvm.js';
import type { Bdf } from '../model/ids.js';
import type { World } from '../world/world.js';

/** What a step left the TDI in: what `teeio compare` lays side by side per arch. */
export interface TdiAfter {
  /** The TDISP state the device holds. */
  readonly tdisp: string;
  /** Private MMIO ranges KVM has mapped into the secure stage-2 (any VM). */
  readonly privateMmio: number;
  /** Hypervisor mappings of the MMIO remain: the VMM's BAR mmap or a shared KVM memslot. */
  readonly hypervisorMmio: boolean;
}

/** The TDI's state after a step, or undefined when `tdi` is no device function of this world. */
export function tdiAfter(w: World, tdi: Bdf | undefined): TdiAfter | undefined {
  if (tdi === undefined || !w.link.has(tdi)) return undefined;
  const vm = assignedVm(w, tdi);
  return {
    tdisp: w.link.tdiState(tdi),
    privateMmio: vm?.privateMmio[tdi]?.length ?? 0,
    hypervisorMmio: (w.host.vfio[tdi]?.hostMmap ?? false) || (vm?.sharedMmio.includes(tdi) ?? false),
  };
}
