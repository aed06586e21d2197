import type { World } from '../world/world.js';
import type { Breach, Invariant } from './invariant.js';

const alive = (w: World, vm: string) => w.host.kvm[vm] !== undefined && w.host.kvm[vm].phase !== 'destroyed';
const boundTo = (w: World, tdi: string, vm: string) => w.host.pci[tdi]?.bound?.vm === vm && alive(w, vm);
const connected = (w: World, dsm: string) => w.host.pci[dsm]?.connected === true;

/**
 * 6. After teardown nothing leaks: every firmware object is still owned by something live —
 * TDI contexts, private mappings and trusted DMA contexts by a binding to a live VM, SPDM
 * sessions and IDE streams by a connected DSM, firmware VMs by a KVM VM.
 */
export const noLeaks: Invariant = {
  number: 6,
  id: 'no-leaks-after-teardown',
  description: 'After teardown nothing leaks: no private mappings, TDI contexts, trusted DMA contexts, IDE streams or SPDM sessions remain beyond what is still in use.',
  when: 'settled',
  check(w) {
    const out: Breach[] = [];
    const leak = (what: string, objects: string[]) => out.push({ message: `${what} is left with no live owner`, objects });
    const tsm = w.ports.tsm.view();
    for (const t of tsm.tdis) if (!boundTo(w, t.tdi, t.vm)) leak(`the TDI context of ${t.tdi} for ${t.vm}`, [t.tdi, t.vm]);
    for (const m of w.ports.mmio.view()) if (!boundTo(w, m.tdi, m.vm)) leak(`the private mapping of range ${m.rangeIndex} of ${m.tdi} in ${m.vm}`, [m.tdi, m.vm]);
    for (const c of w.ports.iommu.view()) if (!boundTo(w, c.tdi, c.vm)) leak(`the trusted DMA context of ${c.tdi} for ${c.vm}`, [c.tdi, c.vm]);
    for (const dsm of tsm.sessions) if (!connected(w, dsm)) leak(`the SPDM session with ${dsm}`, [dsm]);
    for (const s of tsm.ideStreams) if (!connected(w, s.dsm)) leak(`IDE stream ${s.streamId} with ${s.dsm}`, [s.dsm]);
    for (const vm of tsm.vms) if (!alive(w, vm)) leak(`the firmware VM ${vm}`, [vm]);
    return out;
  },
};
