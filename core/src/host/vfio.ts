import type { Bdf } from '../model/ids.js';
import { type FwResult, OK } from '../ports/result.js';
import type { World } from '../world/world.js';
import { Errno, errno } from './errno.js';
import { assignedVm, kvmDropShared } from './kvm.js';
import type { VfioDeviceState } from './state.js';

export function vfioDevice(w: World, bdf: Bdf): VfioDeviceState | undefined {
  return w.host.vfio[bdf];
}

/** Open the VFIO cdev and bind it to iommufd (an allocation that may fail). */
export function vfioOpen(w: World, bdf: Bdf): FwResult {
  if (w.host.vfio[bdf]?.open) return errno(Errno.EBUSY, `${bdf} is open`);
  if (w.faults.shouldFail('alloc')) return errno(Errno.ENOMEM, `vfio_device_open ${bdf} (fail_nth)`);
  w.host.vfio[bdf] = { open: true, hostMmap: false, sharedRevoked: false };
  return OK;
}

/** The VMM mmaps the BARs: the hypervisor can now reach the MMIO. */
export function vfioMmap(w: World, bdf: Bdf): FwResult {
  const d = vfioDevice(w, bdf);
  if (!d?.open) return errno(Errno.ENODEV, `${bdf} is not open`);
  if (d.sharedRevoked) return errno(Errno.ENODEV, `${bdf}: MMIO is revoked`);
  d.hostMmap = true;
  return OK;
}

/**
 * Revoke hypervisor access: vfio_pci_zap_bars() drops the VMM's mappings and
 * dma_buf_move_notify() revokes the shared dma-buf, so KVM drops its shared mapping.
 */
export function vfioRevoke(w: World, bdf: Bdf): FwResult {
  const d = vfioDevice(w, bdf);
  if (!d?.open) return errno(Errno.ENODEV, `${bdf} is not open`);
  d.hostMmap = false;
  d.sharedRevoked = true;
  const a = w.assignmentOf(bdf);
  if (a && w.host.kvm[a.vm]) kvmDropShared(w, a.vm, bdf);
  return OK;
}

/** recover_mmio: the MMIO may be mapped shared again. */
export function vfioRecover(w: World, bdf: Bdf): FwResult {
  const d = vfioDevice(w, bdf);
  if (!d?.open) return errno(Errno.ENODEV, `${bdf} is not open`);
  d.sharedRevoked = false;
  return OK;
}

/** Whether the hypervisor still maps the MMIO of `bdf` (VMM mmap or a KVM shared mapping). */
export function hostMapsMmio(w: World, bdf: Bdf): boolean {
  if (w.host.vfio[bdf]?.hostMmap) return true;
  const v = assignedVm(w, bdf);
  return v !== undefined && v.phase !== 'destroyed' && v.sharedMmio.includes(bdf);
}
