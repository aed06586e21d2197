import type { Bdf, VmId } from '../model/ids.js';
import type { World } from '../world/world.js';

/** One way the world breaks an invariant: what, and the objects involved. */
export interface Breach {
  readonly message: string;
  readonly objects: readonly string[];
}

/**
 * A security invariant of PRODUCT.md, checked on the whole world. `every-step` invariants hold
 * between any two steps of a correct plan; `settled` ones may be broken inside a flow (a reset
 * is handled over several steps) and must hold once it finishes.
 */
export interface Invariant {
  /** PRODUCT.md's number. */
  readonly number: number;
  readonly id: string;
  readonly description: string;
  readonly when: 'every-step' | 'settled';
  check(w: World): readonly Breach[];
  /**
   * For an invariant that reads only per-VM state (KVM's record of a VM, the guest's view of its
   * devices): the same check over `vms` alone, in no particular order. The checker passes the VMs
   * a step changed (World.vmChanges), all others having passed before.
   */
  checkVms?(w: World, vms: Iterable<VmId>): readonly Breach[];
  /**
   * For an invariant only a CONFIG_LOCKED or RUN TDI can break: the same check over `tdis`
   * alone, in no particular order. The checker passes the locked TDIs (DeviceLink.lockedTdis),
   * so a step on a platform of thousands of TDIs does not visit every one.
   */
  checkTdis?(w: World, tdis: readonly Bdf[]): readonly Breach[];
}
