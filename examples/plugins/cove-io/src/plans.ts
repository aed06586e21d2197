import type { PlanStep, Plans } from '@teeio/core';

/**
 * Every flow as arch-neutral steps, in the order a CoVE-IO host and TVM make the calls
 * [cove-io = AP-TEE-IO v0.1 as teeio's reference state-2026.md summarises it].
 */
const unbind: PlanStep[] = [
  { step: 'tsm.stop', why: 'STOP first: it ends RUN, so the TVM mappings are disabled before they go; unbind_interface refuses an interface not stopped [cove-io; linux-tsm §4]' },
  { step: 'kvm.unmap-private-mmio' },
  { step: 'iommu.teardown-trusted' },
  { step: 'tsm.unbind', why: 'unbind_interface last: it refuses a range still mapped (rules.ts unbind-requires-unmapped)' },
];

export const PLANS: Plans = {
  connect: [{ step: 'tsm.connect' }],
  createVpci: [{ step: 'vfio.open' }, { step: 'iommufd.viommu-alloc' }, { step: 'iommufd.vdevice-alloc' }, { step: 'vfio.mmap-bars' }, { step: 'kvm.map-shared-mmio' }],
  bind: [
    { step: 'vfio.revoke-mmio', why: 'no hypervisor mapping of a TDI that is about to be locked' },
    { step: 'tsm.bind', why: 'add_tvm_interface_region, then bind_interface (CONFIG_LOCKED): MMIO regions are added before bind [cove-io]' },
    { step: 'kvm.map-private-mmio' },
    { step: 'iommu.setup-trusted' },
    { step: 'attestation.register' },
  ],
  accept: [
    { step: 'guest.get-evidence' },
    { step: 'guest.verify-evidence' },
    { step: 'guest.accept-mmio', why: 'COVG map_interface_mmio of every range before start_interface [cove-io]' },
    { step: 'guest.request-run', why: 'COVG start_interface (RUN): only now are the mappings enabled [cove-io]' },
    { step: 'guest.enable-dma' },
  ],
  unlock: [{ step: 'guest.disable-dma' }, { step: 'guest.release-mmio' }, { step: 'guest.request-unlock' }, ...unbind, { step: 'vfio.recover-mmio' }],
  unbind: [...unbind, { step: 'vfio.recover-mmio' }],
  vfioClose: [...unbind, { step: 'iommufd.vdevice-destroy' }, { step: 'vfio.close' }],
  flr: [...unbind, { step: 'vfio.revoke-mmio' }, { step: 'pci.flr' }, { step: 'vfio.recover-mmio' }],
  vmDestroy: [...unbind, { step: 'iommufd.vdevice-destroy' }, { step: 'vfio.close' }, { step: 'iommufd.viommu-destroy' }, { step: 'vm.destroy' }],
  disconnect: [{ step: 'tsm.disconnect', why: 'disconnect_device after every interface is unbound; forced, it stops every bound interface first [cove-io]' }],
};
