/**
 * Who does something in a trace: the participants of the sequence diagrams the seed thread
 * argues in. `tsm` is the kernel's PCI/TSM core; `firmware` the arch's trusted firmware (TDX
 * module, PSP, RMM); `vmm` the userspace VMM that sequences the ioctls.
 */
export const ACTORS = ['guest', 'vmm', 'kvm', 'vfio', 'iommufd', 'pci', 'tsm', 'firmware', 'device'] as const;
export type Actor = (typeof ACTORS)[number];
