import type { Bdf, VmId } from '../model/ids.js';
import { type FwResult, OK } from '../ports/result.js';
import type { World } from '../world/world.js';
import { Errno, errno } from './errno.js';
import { kvmGet, kvmPut, noVm } from './kvm.js';

/** IOMMU_VIOMMU_ALLOC: one secure vIOMMU per VM; it holds a KVM reference until destroyed. */
export function viommuAlloc(w: World, vm: VmId): FwResult {
  if (w.host.iommufd.viommus[vm]) return OK;
  const missing = noVm(w, vm);
  if (missing) return missing;
  if (w.faults.shouldFail('alloc')) return errno(Errno.ENOMEM, `iommufd vIOMMU for ${vm} (fail_nth)`);
  const r = w.ports.iommu.allocViommu(vm);
  if (!r.ok) return r;
  w.host.iommufd.viommus[vm] = { id: w.host.iommufd.nextId++ };
  kvmGet(w, vm, 'viommu');
  return OK;
}

/** IOMMU_VDEVICE_ALLOC: the vPCI device, with the guest's Requester ID as its virt id. */
export function vdeviceAlloc(w: World, tdi: Bdf, vm: VmId, virtId: number): FwResult {
  if (!w.host.iommufd.viommus[vm]) return errno(Errno.ENOENT, `no vIOMMU for ${vm}`);
  if (!w.host.vfio[tdi]?.open) return errno(Errno.ENODEV, `${tdi} is not open`);
  if (w.host.iommufd.vdevices[tdi]) return errno(Errno.EBUSY, `${tdi} has a vDEVICE`);
  if (w.faults.shouldFail('alloc')) return errno(Errno.ENOMEM, `iommufd vDEVICE for ${tdi} (fail_nth)`);
  w.host.iommufd.vdevices[tdi] = { vm, virtId };
  return OK;
}

/** IOMMU_DESTROY of a vDEVICE. A TSM-bound vDEVICE must be unbound first. */
export function vdeviceDestroy(w: World, tdi: Bdf): FwResult {
  if (!w.host.iommufd.vdevices[tdi]) return errno(Errno.ENOENT, `${tdi} has no vDEVICE`);
  if (w.host.pci[tdi]?.bound) return errno(Errno.EBUSY, `${tdi} is TSM-bound`);
  delete w.host.iommufd.vdevices[tdi];
  return OK;
}

/** IOMMU_DESTROY of the vIOMMU: refused while vDEVICEs use it; drops its KVM reference. */
export function viommuDestroy(w: World, vm: VmId): FwResult {
  if (!w.host.iommufd.viommus[vm]) return errno(Errno.ENOENT, `no vIOMMU for ${vm}`);
  if (Object.values(w.host.iommufd.vdevices).some((d) => d.vm === vm)) return errno(Errno.EBUSY, `vDEVICEs of ${vm} remain`);
  const r = w.ports.iommu.freeViommu(vm);
  if (!r.ok) return r;
  delete w.host.iommufd.viommus[vm];
  return kvmPut(w, vm, 'viommu');
}

/**
 * close() of the device fd with its vDEVICE still there: iommufd destroys the vDEVICE
 * forcibly (the uAPI says to destroy it "before destroying the physical device").
 */
export function vdeviceForceDestroy(w: World, tdi: Bdf): void {
  if (!w.host.iommufd.vdevices[tdi]) return;
  delete w.host.iommufd.vdevices[tdi];
  w.host.iommufd.forced.push(tdi);
}
