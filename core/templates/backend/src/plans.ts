import type { PlanStep, Plans } from '@teeio/core';

/**
 * Every flow as arch-neutral steps, in the order __ARCH__ requires. This starting order is a
 * common one (LOCK before private MMIO is mapped, STOP before the mapping goes); change it to
 * your arch's and give each step whose place matters a `why` that cites the source of the order.
 */
const unbind: PlanStep[] = [
  { step: 'tsm.stop', why: 'TODO: TDISP STOP through the firmware; cite where your arch orders it against the unmap' },
  { step: 'kvm.unmap-private-mmio' },
  { step: 'iommu.teardown-trusted' },
  { step: 'tsm.unbind' },
];

export const PLANS: Plans = {
  connect: [{ step: 'tsm.connect' }],
  createVpci: [{ step: 'vfio.open' }, { step: 'iommufd.viommu-alloc' }, { step: 'iommufd.vdevice-alloc' }, { step: 'vfio.mmap-bars' }, { step: 'kvm.map-shared-mmio' }],
  bind: [
    { step: 'vfio.revoke-mmio', why: 'no hypervisor mapping of a TDI that is about to be locked' },
    { step: 'tsm.bind', why: 'TODO: create the TDI in the firmware and LOCK it; cite the call sequence' },
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
  unlock: [{ step: 'guest.disable-dma' }, { step: 'guest.release-mmio' }, { step: 'guest.request-unlock' }, ...unbind, { step: 'vfio.recover-mmio' }],
  unbind: [...unbind, { step: 'vfio.recover-mmio' }],
  vfioClose: [...unbind, { step: 'iommufd.vdevice-destroy' }, { step: 'vfio.close' }],
  flr: [...unbind, { step: 'vfio.revoke-mmio' }, { step: 'pci.flr' }, { step: 'vfio.recover-mmio' }],
  vmDestroy: [...unbind, { step: 'iommufd.vdevice-destroy' }, { step: 'vfio.close' }, { step: 'iommufd.viommu-destroy' }, { step: 'vm.destroy' }],
  disconnect: [{ step: 'tsm.disconnect' }],
};
