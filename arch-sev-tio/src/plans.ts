import type { PlanStep, Plans } from '@teeio/core';

/**
 * Host unbind in the reference's order [REF §1 "Unbind and disconnect order"]: TIO_TDI_UNBIND
 * (retried with FORCE) and TIO_TDI_STATUS in tsm.stop; TIO_TDI_RECLAIM, the ASID fence, and
 * rmp_make_shared on every BAR page in tsm.unbind (the CCP driver clears the RMP); then KVM's
 * memslot and the host DTE go. Nothing here has to come before STOP: the host "can 'revoke' at
 * any time" [REF §3].
 */
const unbind: PlanStep[] = [
  { step: 'tsm.stop', why: 'TIO_TDI_UNBIND (TDISP STOP), retried with FORCE; TIO_TDI_STATUS verifies CONFIG_UNLOCKED' },
  { step: 'tsm.unbind', why: 'TIO_TDI_RECLAIM; TIO_ASID_FENCE_STATUS, CLEAR if fenced and the TDI ran; rmp_make_shared on every BAR page' },
  { step: 'kvm.unmap-private-mmio', why: "KVM's private-MMIO memslot goes; the RMP was cleared at unbind" },
  { step: 'iommu.teardown-trusted', why: 'the host DTE stops routing through the reclaimed sDTE' },
];

export const SEV_TIO_PLANS: Plans = {
  connect: [{ step: 'tsm.connect', why: 'TIO_DEV_CREATE, TIO_DEV_CONNECT (DOE relay: SEV_RET_SPDM_REQUEST), TIO_DEV_MEASUREMENTS, TIO_DEV_CERTIFICATES' }],
  createVpci: [
    { step: 'vfio.open' },
    { step: 'iommufd.viommu-alloc', why: 'the vIOMMU holds the KVM; SEV has no secure vIOMMU object' },
    { step: 'iommufd.vdevice-alloc' },
    { step: 'vfio.mmap-bars' },
    { step: 'kvm.map-shared-mmio', why: 'the NPT mapping and shared memslot stay after bind: the RMP does the enforcing' },
  ],
  bind: [
    { step: 'guest.request-lock', why: 'SVM_VMGEXIT_SEV_TIO_OP BIND (phase 2): the guest asks, the host binds' },
    { step: 'tsm.bind', why: 'TIO_TDI_CREATE, TIO_TDI_BIND(run=0) → CONFIG_LOCKED, TIO_TDI_STATUS; no revoke of the hypervisor mapping' },
    { step: 'kvm.map-private-mmio', why: 'KVM_SEV_SNP_MMIO_RMP_UPDATE after bind: "TDI bind must complete first … so the location of MMIO is fixed"' },
    { step: 'iommu.setup-trusted', why: 'the host DTE routes T=1 through the sDTE the PSP keeps blocked' },
    { step: 'attestation.register', why: 'the host fills the blob table: certificates, measurements (nonce), report' },
  ],
  // Phase 2 sev_guest_accept: TIO_OP RUN, then SDTE_WRITE, then MMIO_VALIDATE; RUN at "Attest".
  accept: [
    { step: 'guest.get-evidence', why: 'TIO_MSG_TDI_INFO_REQ digests over the VMPCK channel, blobs from the shared blob table' },
    { step: 'guest.verify-evidence' },
    { step: 'guest.request-run', why: 'SEV_TIO_OP RUN → TIO_TDI_STATUS, TIO_TDI_BIND(RUN_FORCE): RUN at attest, DMA still blocked' },
    { step: 'guest.enable-dma', why: 'TIO_MSG_SDTE_WRITE_REQ: the PSP writes the sDTE' },
    { step: 'guest.accept-mmio', why: 'TIO_MSG_MMIO_VALIDATE_REQ validated=1 per TEE range' },
  ],
  // Posted phase 2: STOP → SDTE_WRITE invalidate → MMIO_VALIDATE validated=0 → UNBIND.
  unlock: [
    { step: 'tsm.stop', actor: 'guest', why: 'SEV_TIO_OP STOP ("Quiesce DMA"): TIO_TDI_UNBIND' },
    { step: 'guest.disable-dma', why: 'SDTE_WRITE invalidate: "HV is unable to restart it as MMIO is still blocked for HV"' },
    { step: 'guest.release-mmio', why: 'MMIO_VALIDATE validated=0' },
    { step: 'guest.request-unlock', why: 'SEV_TIO_OP UNBIND' },
    ...unbind.slice(1),
    { step: 'vfio.recover-mmio' },
  ],
  unbind: [...unbind, { step: 'vfio.recover-mmio' }],
  vfioClose: [...unbind, { step: 'iommufd.vdevice-destroy' }, { step: 'vfio.close' }],
  flr: [...unbind, { step: 'vfio.revoke-mmio', why: "VFIO zaps the BARs before the reset" }, { step: 'pci.flr', why: 'a bound TDI is unbound first: FLR breaks the CC state; the guest attests again' }],
  vmDestroy: [...unbind, { step: 'iommufd.vdevice-destroy' }, { step: 'vfio.close' }, { step: 'iommufd.viommu-destroy' }, { step: 'vm.destroy', why: 'SNP_DECOMMISSION once no TDI is bound to the guest context' }],
  disconnect: [{ step: 'tsm.disconnect', why: 'TIO_DEV_DISCONNECT (retried with force), TIO_DEV_RECLAIM; refused while TDIs are bound' }],
};
