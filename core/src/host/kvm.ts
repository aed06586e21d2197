import type { Bdf, VmId } from '../model/ids.js';
import { type FwResult, OK } from '../ports/result.js';
import type { World } from '../world/world.js';
import { boundTdis } from './pci.js';
import { Errno, errno } from './errno.js';
import type { VmState } from './state.js';

export function vmOf(w: World, vm: VmId): VmState {
  const v = w.host.kvm[vm];
  if (!v) throw new RangeError(`no VM ${vm}`);
  return v;
}

/**
 * KVM's VM for the VM `tdi` is assigned to. It is the only VM KVM ever maps the TDI's MMIO
 * into, shared or private: every mapping step acts on the TDI's assignment.
 */
export function assignedVm(w: World, tdi: Bdf): VmState | undefined {
  const a = w.assignmentOf(tdi);
  return a && w.host.kvm[a.vm];
}

/** KVM_CREATE_VM and the firmware's VM. */
export function kvmCreateVm(w: World, vm: VmId): FwResult {
  if (w.host.kvm[vm]) return errno(Errno.EBUSY, `${vm} exists`);
  const r = w.ports.tsm.createVm(vm);
  if (r.ok) w.host.kvm[vm] = { phase: 'running', fdOpen: true, holders: [], sharedMmio: [], privateMmio: {} };
  w.vmChanges.mark(vm);
  return r;
}

/**
 * A VM the VMM does not have: never created (its KVM_CREATE_VM failed) or destroyed already.
 * What needs the VM (a vIOMMU for it, a KVM mapping into it) fails with -ENOENT instead of
 * reaching a VM that is not there.
 */
export function noVm(w: World, vm: VmId): FwResult | undefined {
  const v = w.host.kvm[vm];
  return v && v.phase !== 'destroyed' ? undefined : errno(Errno.ENOENT, v ? `${vm} is destroyed` : `no VM ${vm}`);
}

/** kvm_get_kvm: `who` pins the VM. */
export function kvmGet(w: World, vm: VmId, who: string): void {
  vmOf(w, vm).holders.push(who);
}

/** kvm_put_kvm: the last reference, once the VMM closed its fd, destroys the VM. */
export function kvmPut(w: World, vm: VmId, who: string): FwResult {
  const v = vmOf(w, vm);
  const at = v.holders.indexOf(who);
  if (at >= 0) v.holders.splice(at, 1);
  return maybeDestroy(w, vm);
}

/** The VMM closes the KVM fd: the VM is destroyed when nothing else pins it. */
export function kvmRelease(w: World, vm: VmId): FwResult {
  const v = vmOf(w, vm);
  if (!v.fdOpen) return errno(Errno.EINVAL, `the KVM fd of ${vm} is closed already`);
  v.fdOpen = false;
  return maybeDestroy(w, vm);
}

/**
 * kvm_destroy_vm and the firmware's VM teardown. It records what was still bound, for the
 * invariant that some archs need devices unbound first; the firmware may refuse (a Realm with
 * VDEVs), which leaves the VM half torn down.
 */
function maybeDestroy(w: World, vm: VmId): FwResult {
  const v = vmOf(w, vm);
  if (v.fdOpen || v.holders.length > 0 || v.phase === 'destroyed') return OK;
  v.boundAtDestroy = boundTdis(w).filter((t) => w.host.pci[t]?.bound?.vm === vm);
  w.vmChanges.mark(vm);
  const r = w.ports.tsm.destroyVm(vm);
  v.phase = r.ok ? 'destroyed' : 'destroy-failed';
  return r;
}

/** KVM_BUG_ON: a fatal failure marks the VM dead; it runs no more guest code. */
export function kvmKill(w: World, vm: VmId, reason: string): void {
  const v = w.host.kvm[vm];
  if (v && !v.killed) v.killed = reason;
  w.vmChanges.mark(vm);
}

export function vmUsable(w: World, vm: VmId): boolean {
  const v = w.host.kvm[vm];
  return v !== undefined && v.phase === 'running' && !v.killed && !w.guests[vm]?.crashed;
}

/** KVM maps the TDI's MMIO shared (a memslot over the VMM's mapping or the shared dma-buf). */
export function kvmMapShared(w: World, vm: VmId, tdi: Bdf): void {
  const v = vmOf(w, vm);
  if (!v.sharedMmio.includes(tdi)) v.sharedMmio.push(tdi);
}

export function kvmDropShared(w: World, vm: VmId, tdi: Bdf): void {
  const v = vmOf(w, vm);
  v.sharedMmio = v.sharedMmio.filter((t) => t !== tdi);
}
