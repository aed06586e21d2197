import type { VmId } from '../model/ids.js';

/** A cursor into a VmChanges log: where an observer stopped reading. */
export interface VmChangesCursor {
  readonly epoch: number;
  readonly at: number;
}

const NONE: ReadonlySet<VmId> = new Set();

/**
 * Which VMs' own state (KVM's kill and teardown records, the guest's view of its devices) may
 * have changed, as a log each writer appends its VM to. An observer that checks per-VM rules
 * after every step re-checks only the VMs marked since its cursor instead of every VM: on a
 * platform of thousands of VMs a step touches one. Replacing the whole state (a restore) starts
 * a new epoch, in which every VM counts as changed.
 */
export class VmChanges {
  private epoch = 0;
  private log: VmId[] = [];

  mark(vm: VmId): void {
    this.log.push(vm);
  }

  /** Every VM may have changed (the state was replaced). */
  markAll(): void {
    this.epoch++;
    this.log = [];
  }

  get cursor(): VmChangesCursor {
    return { epoch: this.epoch, at: this.log.length };
  }

  /** The VMs marked after `from`; undefined when every VM may have changed since (no cursor, or a new epoch). */
  since(from: VmChangesCursor | undefined): ReadonlySet<VmId> | undefined {
    if (from?.epoch !== this.epoch) return undefined;
    // Most steps change no VM: no set made for them.
    if (from.at === this.log.length) return NONE;
    return new Set(this.log.slice(from.at));
  }
}
