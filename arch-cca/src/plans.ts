import type { PlanStep, Plans } from '@teeio/core';

/**
 * Unbind in the order the RMM enforces at 2.0 (arm-cca.md §3 "Teardown order"): device
 * memory first (RMI_VDEV_UNLOCK fails with RMI_ERROR_GRANULE while a device granule is
 * mapped), then UNLOCK and its communicate (TDISP STOP) to UNLOCKED, then RMI_VDEV_DESTROY.
 * This is the opposite of TDX in one place: there STOP comes before the S-EPT unmap.
 */
const unbind: PlanStep[] = [
  { step: 'kvm.unmap-private-mmio', why: 'RMI_RTT_DEV_UNMAP first: RMI_VDEV_UNLOCK returns RMI_ERROR_GRANULE while a device granule is mapped' },
  { step: 'tsm.stop', why: 'RMI_VDEV_UNLOCK (disables the STE), then RMI_VDEV_COMMUNICATE carries TDISP STOP → UNLOCKED' },
  { step: 'iommu.teardown-trusted', why: 'nothing for the host: UNLOCK disabled the STE, DESTROY releases it' },
  { step: 'tsm.unbind', why: 'RMI_VDEV_DESTROY: only NEW or UNLOCKED; drops num_vdevs and the realm\'s VDEV count' },
];

export const CCA_PLANS: Plans = {
  connect: [{ step: 'tsm.connect', why: 'root-port and endpoint PDEVs, the communicate pump over DOE, SET_PUBKEY, then the NCOH stream (PDEV_STREAM_CONNECT, _COMPLETE)' }],
  createVpci: [
    { step: 'vfio.open' },
    { step: 'iommufd.viommu-alloc', why: 'the vIOMMU holds the KVM (IOMMU_VDEVICE_TSM_OP uses vdev->viommu->kvm_file)' },
    { step: 'iommufd.vdevice-alloc', why: 'virt id = the guest RID: the VDEV\'s vdev_id' },
    { step: 'vfio.mmap-bars' },
    { step: 'kvm.map-shared-mmio' },
  ],
  bind: [
    { step: 'guest.request-lock', why: 'RHI_DA_VDEV_SET_TDI_STATE(LOCKED): the realm asks, the host locks' },
    { step: 'vfio.revoke-mmio', why: '"host should be aware not to touch device after Bind" (Yilun): no hypervisor mapping of a locked TDI' },
    { step: 'tsm.bind', why: 'RMI_VDEV_CREATE (vdev_id = guest RID, tdi_id = host RID), LOCK, GET_INTERFACE_REPORT, GET_MEASUREMENTS, each through RMI_VDEV_COMMUNICATE' },
    { step: 'kvm.map-private-mmio', why: 'RMI_GRANULE_DELEGATE, then RMI_RTT_DEV_MAP of each report range (within the VDEV\'s ranges)' },
    { step: 'iommu.setup-trusted', why: 'RMI_VDEV_CREATE configured the STE for the realm\'s stage 2, disabled' },
    { step: 'attestation.register', why: 'the host cached certificates, VCA, report and measurements; the RMM keeps their digests' },
  ],
  // cca_device_accept: validate each range, RHI RUN, then DMA_ENABLE.
  accept: [
    { step: 'guest.get-evidence', why: 'RHI_DA_OBJECT_READ from the host\'s cache, then RSI_VDEV_GET_INFO: digests and nonces' },
    { step: 'guest.verify-evidence', why: 'the objects\' digests, and the lock nonce: a changed one means the host unlocked behind the realm\'s back' },
    { step: 'guest.accept-mmio', why: 'RSI_VDEV_VALIDATE_MAPPING per range (LOCKED, current nonces); the host answers RMI_EXIT_DEV_MEM_MAP with RMI_RTT_DEV_VALIDATE → RIPAS DEV' },
    { step: 'guest.request-run', why: 'RHI_DA_VDEV_SET_TDI_STATE(RUN): the host runs RMI_VDEV_START and its communicate' },
    { step: 'guest.enable-dma', why: 'RSI_VDEV_DMA_ENABLE: STARTED with current nonces; smmuv3_enable_ste' },
  ],
  unlock: [
    { step: 'guest.disable-dma', why: 'RSI_VDEV_DMA_DISABLE' },
    { step: 'guest.release-mmio', why: 'RIPAS EMPTY over the report ranges (guest v3 unlock path)' },
    { step: 'kvm.unmap-private-mmio', why: 'RMI_RTT_DEV_UNMAP before the unlock: RMI_ERROR_GRANULE otherwise' },
    { step: 'guest.request-unlock', why: 'RHI_DA_VDEV_SET_TDI_STATE(UNLOCKED): RMI_VDEV_UNLOCK and its communicate' },
    ...unbind.slice(1),
    { step: 'vfio.recover-mmio' },
  ],
  unbind: [...unbind, { step: 'vfio.recover-mmio' }],
  vfioClose: [...unbind, { step: 'iommufd.vdevice-destroy', why: 'IOMMU_VDEVICE_TSM_OP(UNBIND) ran: the vDEVICE goes' }, { step: 'vfio.close' }],
  flr: [
    ...unbind,
    { step: 'vfio.revoke-mmio', why: '"unbind the TDI first, then revoke MMIOs, then do FLR" (Yilun)' },
    { step: 'pci.flr', why: 'the RMM has no FLR handling: the TDI is unbound before the reset' },
    { step: 'vfio.recover-mmio' },
  ],
  vmDestroy: [
    ...unbind,
    { step: 'iommufd.vdevice-destroy' },
    { step: 'vfio.close' },
    { step: 'iommufd.viommu-destroy' },
    { step: 'vm.destroy', why: 'RMI_REALM_TERMINATE, then RMI_REALM_DESTROY: RMI_ERROR_REALM while a VDEV exists' },
  ],
  disconnect: [{ step: 'tsm.disconnect', why: 'PDEV_STREAM_DISCONNECT, PDEV_STOP, communicate to STOPPED, PDEV_DESTROY; the root port\'s PDEV last' }],
};
