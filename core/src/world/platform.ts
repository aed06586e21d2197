import type { DeviceConfig } from '../device/config.js';
import type { FailNth } from '../faults/fault-plan.js';
import type { FlrPolicy } from '../lifecycle/plan.js';
import type { Bdf, VmId } from '../model/ids.js';

/** A device of the platform and the name scenarios call it by. */
export interface PlatformDevice {
  readonly id: string;
  readonly config: DeviceConfig;
}

/** A vPCI assignment: the TDI, the VM it is for, and the Requester ID the guest sees. */
export interface Assignment {
  readonly tdi: Bdf;
  readonly vm: VmId;
  readonly guestRid: number;
}

/** Everything a run starts from. */
export interface WorldSpec {
  readonly devices: readonly PlatformDevice[];
  readonly vms: readonly VmId[];
  readonly assignments: readonly Assignment[];
  readonly seed: string;
  readonly faults: readonly FailNth[];
  /** Overrides the plugin's FLR policy, to compare both on one arch. */
  readonly flrPolicy?: FlrPolicy;
}
