import type { World } from '../world/world.js';

/**
 * The system is torn down cleanly: every VM destroyed, no TDI bound, no VFIO fd open, no DSM
 * connected, and the firmware holds nothing (no TDI context, private mapping, trusted DMA
 * context, SPDM session, IDE stream or firmware VM). A state where no event can fire and this
 * does not hold is a deadlock.
 */
export function tornDown(w: World): boolean {
  const { host } = w;
  const tsm = w.ports.tsm.view();
  return (
    Object.values(host.kvm).every((vm) => vm.phase === 'destroyed') &&
    Object.values(host.pci).every((f) => f.bound === undefined && !f.connected) &&
    Object.values(host.vfio).every((v) => !v.open) &&
    tsm.tdis.length + tsm.sessions.length + tsm.ideStreams.length + tsm.vms.length === 0 &&
    w.ports.mmio.view().length + w.ports.iommu.view().length === 0
  );
}
