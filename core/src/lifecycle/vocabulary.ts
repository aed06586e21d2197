import type { Actor } from '../trace/actor.js';

/**
 * The arch-neutral lifecycle steps (PRODUCT.md, the seed thread and the kernel design
 * discussion). Each is implemented once in the core, in terms of the host subsystems and the
 * four ports; plugins only order them. `actor` is who initiates the step by default.
 */
export const STEPS = {
  'vm.create': { actor: 'kvm', what: 'KVM_CREATE_VM and the firmware VM (TD, SNP guest, Realm)' },
  'tsm.connect': { actor: 'pci', what: 'tsm/connect: SPDM session and IDE streams with the DSM (pci_tsm_connect)' },
  'vfio.open': { actor: 'vmm', what: 'open the VFIO cdev and bind it to iommufd' },
  'iommufd.viommu-alloc': { actor: 'vmm', what: 'IOMMU_VIOMMU_ALLOC: the secure vIOMMU, holding the KVM' },
  'iommufd.vdevice-alloc': { actor: 'vmm', what: 'IOMMU_VDEVICE_ALLOC: the vPCI device, virt id = guest RID' },
  'vfio.mmap-bars': { actor: 'vmm', what: 'the VMM mmaps the BARs (hypervisor mappings of the MMIO)' },
  'kvm.map-shared-mmio': { actor: 'kvm', what: 'a KVM memslot backed by the shared MMIO mapping' },
  'guest.request-lock': { actor: 'guest', what: 'the guest asks the host to bind (lock) the TDI' },
  'tsm.bind': { actor: 'iommufd', what: 'pci_tsm_bind: TDI firmware context and TDISP LOCK → CONFIG_LOCKED' },
  'vfio.revoke-mmio': { actor: 'vfio', what: 'revoke hypervisor access: zap BAR mmaps, dma_buf_move_notify(revoke), KVM drops shared mappings' },
  'kvm.map-private-mmio': { actor: 'kvm', what: 'map each TEE MMIO range of the report into the secure stage-2' },
  'iommu.setup-trusted': { actor: 'iommufd', what: 'trusted (T=1) DMA context for the TDI' },
  'attestation.register': { actor: 'tsm', what: 'register the TDI with the attestation functions the VM may use' },
  'guest.get-evidence': { actor: 'guest', what: 'fetch certificates, measurements and the interface report through the host' },
  'guest.verify-evidence': { actor: 'guest', what: 'check the blobs against the firmware-protected digests' },
  'guest.accept-mmio': { actor: 'guest', what: 'accept or validate each private MMIO range against the report' },
  'guest.request-run': { actor: 'guest', what: 'guest_req(STATE_CHANGE): CONFIG_LOCKED → RUN' },
  'guest.enable-dma': { actor: 'guest', what: 'enable T=1 DMA for the TDI' },
  'guest.disable-dma': { actor: 'guest', what: 'disable T=1 DMA for the TDI' },
  'guest.release-mmio': { actor: 'guest', what: 'invalidate the accepted private MMIO ranges' },
  'guest.request-unlock': { actor: 'guest', what: 'guest_req(STATE_CHANGE): leave RUN, unlock' },
  'tsm.stop': { actor: 'tsm', what: 'TDISP STOP through the firmware → CONFIG_UNLOCKED' },
  'kvm.unmap-private-mmio': { actor: 'kvm', what: 'remove the private MMIO from the secure stage-2' },
  'iommu.teardown-trusted': { actor: 'iommufd', what: 'tear the trusted DMA context down' },
  'tsm.unbind': { actor: 'tsm', what: 'pci_tsm_unbind: reclaim the TDI firmware context' },
  'vfio.recover-mmio': { actor: 'vfio', what: 'let KVM map the MMIO as shared again' },
  'iommufd.vdevice-destroy': { actor: 'vmm', what: 'IOMMU_DESTROY of the vDEVICE' },
  'iommufd.viommu-destroy': { actor: 'vmm', what: 'IOMMU_DESTROY of the vIOMMU: drops its KVM reference' },
  'vfio.close': { actor: 'vmm', what: 'close() of the VFIO device fd' },
  'pci.flr': { actor: 'pci', what: 'the reset: a Function Level Reset of the TDI, or the kind VFIO was asked for (hot reset, D3hot, clearing MSE or BME)' },
  'vm.destroy': { actor: 'kvm', what: 'kvm_destroy_vm and the firmware VM teardown' },
  'tsm.disconnect': { actor: 'pci', what: 'tsm/disconnect: tear down IDE streams and the SPDM session' },
} as const satisfies Record<string, { actor: Actor; what: string }>;

export type StepName = keyof typeof STEPS;
export const STEP_NAMES = Object.keys(STEPS) as StepName[];

/**
 * The flows a plugin plans. A scenario names flows; each runs the plugin's ordered steps.
 */
export const FLOWS = {
  connect: 'connect the DSM: SPDM and IDE',
  createVpci: 'create the vPCI device: VFIO, vIOMMU, vDEVICE, MMIO export and shared mapping',
  bind: 'bind the TDI to the VM: LOCK, revoke hypervisor access, private MMIO, trusted DMA, attestation',
  accept: 'the guest attests and accepts the TDI: evidence, verify, accept MMIO, RUN, enable DMA',
  unlock: 'the guest gives the TDI up: disable DMA, release MMIO, unlock',
  unbind: 'unbind the TDI: STOP, unmap, trusted DMA teardown, reclaim',
  vfioClose: 'close() of the VFIO fd while the TDI may be bound',
  flr: 'a reset requested through VFIO (FLR, hot reset, D3hot, MSE or BME clear) while the TDI may be bound',
  vmDestroy: 'destroy the VM while its devices may be bound',
  disconnect: 'disconnect the DSM',
} as const;
export type FlowName = keyof typeof FLOWS;
export const FLOW_NAMES = Object.keys(FLOWS) as FlowName[];
