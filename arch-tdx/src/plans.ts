import type { PlanStep, Plans } from '@teeio/core';

/**
 * Unbind in the order TDX Connect enforces ([HOST-RFC] 27/30 and 30/30; linux-tsm-core §5):
 * STOP, S-EPT MMIO unmap, trusted DMA cleanup, TDI reclaim. The module refuses TDH.MMIO.UNMAP
 * before a STOP it issued and TDH.DEVIF.REMOVE while MMIO or DMA remain mapped.
 */
const unbind: PlanStep[] = [
  { step: 'tsm.stop', why: 'STOP through the module first: it refuses any S-EPT MMIO unmap before (TDX_DEVIF_TDISP_INVALID_STATE)' },
  { step: 'kvm.unmap-private-mmio', why: 'revoke the S-EPT MMIO only after TDISP CONFIG_UNLOCK (TDH.MMIO.BLOCK, TDH.MEM.TRACK, TDH.MMIO.UNMAP)' },
  { step: 'iommu.teardown-trusted', why: 'trusted IOPT detach after STOP, before the TDI metadata is freed' },
  { step: 'tsm.unbind', why: 'TDH.DEVIF.REMOVE last: it fails while MMIO or DMA remain mapped' },
];

export const TDX_PLANS: Plans = {
  connect: [{ step: 'tsm.connect', why: 'TDH.IOMMU.SETUP, then SPDM and selective IDE through the module' }],
  createVpci: [
    { step: 'vfio.open' },
    { step: 'iommufd.viommu-alloc', why: 'the vIOMMU exists before the VM runs and pins the KVM until iommufd destroys it' },
    { step: 'iommufd.vdevice-alloc' },
    { step: 'vfio.mmap-bars' },
    { step: 'kvm.map-shared-mmio' },
  ],
  bind: [
    { step: 'vfio.revoke-mmio', why: '"Once you do bind you MUST have no hypervisor mapping or x86 will explode" (Jason)' },
    { step: 'tsm.bind', why: 'TDH.DEVIF.CREATE (host BDF, TD), LOCK through the module, MMIO ownership to the TD' },
    { step: 'kvm.map-private-mmio', why: 'private MMIO moves from EPT to S-EPT after LOCKED, before RUN (TDH.MMIO.MAP: MMIO_PENDING)' },
    { step: 'iommu.setup-trusted', why: 'trusted context entries, not present until the guest accepts them' },
    { step: 'attestation.register', why: 'TDH.SPDM.MNG(DEV_INFO_RECOLLECTION): the evidence TDG.TDI.RD hashes' },
  ],
  accept: [
    { step: 'guest.get-evidence', why: 'TDCM GET_TDI_REPORT through the VMM, hashes and bind session by TDG.TDI.RD' },
    { step: 'guest.verify-evidence' },
    { step: 'guest.accept-mmio', why: 'TDG.MMIO.ACCEPT: MMIO_PENDING → MMIO_MAPPED, HPA checked against the report' },
    { step: 'guest.enable-dma', why: 'TDG.DMAR.ACCEPT needs CONFIG_LOCKED or RUN; the trusted IOMMU walks the TD S-EPT' },
    { step: 'guest.request-run', why: 'TDG.TDI.START authorises, TDH.TDI.START moves to RUN once all TEE MMIO is private' },
  ],
  unlock: [{ step: 'guest.disable-dma' }, { step: 'guest.release-mmio' }, { step: 'guest.request-unlock', why: 'a TD-generated STOP (TDG.DEVIF.REQUEST)' }, ...unbind, { step: 'vfio.recover-mmio' }],
  unbind: [...unbind, { step: 'vfio.recover-mmio', why: 'recover_mmio: KVM may map the MMIO shared again' }],
  vfioClose: [
    ...unbind,
    { step: 'iommufd.vdevice-destroy', why: 'VFIO removed the S-EPT; then the vDEVICE goes (seed thread: "remove the S-EPT and release the KVM, then have iommufd destroy the VDEVICE")' },
    { step: 'vfio.close', why: 'closing the device drops VFIO\'s KVM reference' },
  ],
  flr: [
    ...unbind,
    { step: 'vfio.revoke-mmio', why: '"unbind the TDI first, then revoke MMIOs, then do FLR" (Yilun)' },
    { step: 'pci.flr', why: 'the reset breaks nothing now: the TDI is unbound and no private mapping remains' },
    { step: 'vfio.recover-mmio', why: 'after the reset VFIO lifts the revoke' },
  ],
  vmDestroy: [
    ...unbind,
    { step: 'iommufd.vdevice-destroy' },
    { step: 'vfio.close' },
    { step: 'iommufd.viommu-destroy', why: 'the vIOMMU drops the last KVM reference the devices held' },
    { step: 'vm.destroy', why: '"VM could only be destroyed after all assigned CC vPCI devices are destroyed" (Yilun)' },
  ],
  disconnect: [{ step: 'tsm.disconnect', why: 'KM(STOP), stream BLOCK and DELETE, SPDM DISCONNECT and DELETE' }],
};
