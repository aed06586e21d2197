import type { PlanStep, Plans } from '@teeio/core';

/** Unbind as the seed thread orders it: STOP first, so nothing is revoked under a locked TDI. */
const unbind: PlanStep[] = [
  { step: 'tsm.stop', why: 'TSM unbind comes first: nothing is revoked while the TDI is locked' },
  { step: 'kvm.unmap-private-mmio' },
  { step: 'iommu.teardown-trusted' },
  { step: 'tsm.unbind' },
];

export const DEVSEC_PLANS: Plans = {
  connect: [{ step: 'tsm.connect' }],
  createVpci: [
    { step: 'vfio.open' },
    { step: 'iommufd.viommu-alloc', why: 'the vIOMMU exists before the VM runs and holds the KVM' },
    { step: 'iommufd.vdevice-alloc' },
    { step: 'vfio.mmap-bars' },
    { step: 'kvm.map-shared-mmio' },
  ],
  bind: [
    { step: 'vfio.revoke-mmio', why: 'once bound, no hypervisor mapping of the MMIO may remain' },
    { step: 'tsm.bind' },
    { step: 'kvm.map-private-mmio' },
    { step: 'iommu.setup-trusted' },
    { step: 'attestation.register' },
  ],
  accept: [
    { step: 'guest.get-evidence' },
    { step: 'guest.verify-evidence' },
    { step: 'guest.accept-mmio' },
    { step: 'guest.request-run' },
    { step: 'guest.enable-dma' },
  ],
  unlock: [{ step: 'guest.disable-dma' }, { step: 'guest.release-mmio' }, { step: 'guest.request-unlock' }, ...unbind],
  unbind: [...unbind, { step: 'vfio.recover-mmio' }],
  vfioClose: [...unbind, { step: 'iommufd.vdevice-destroy', why: 'the vDEVICE goes before its device is closed' }, { step: 'vfio.close' }],
  flr: [...unbind, { step: 'vfio.revoke-mmio' }, { step: 'pci.flr', why: 'unbind the TDI first, then revoke MMIO, then FLR' }],
  vmDestroy: [...unbind, { step: 'iommufd.vdevice-destroy' }, { step: 'vfio.close' }, { step: 'iommufd.viommu-destroy' }, { step: 'vm.destroy' }],
  disconnect: [{ step: 'tsm.disconnect' }],
};
