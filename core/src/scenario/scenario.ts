import type { DevicePresetName } from '../device/presets.js';
import type { FaultKind } from '../faults/fault-plan.js';
import type { FlrPolicy } from '../lifecycle/plan.js';
import type { FlowName, StepName } from '../lifecycle/vocabulary.js';
import type { Actor } from '../trace/actor.js';

/** Device events a scenario can inject. Resets (flr, hot-reset, d3, mse-clear, bme-clear) take `via`. */
export const DEVICE_EVENTS = ['flr', 'hot-reset', 'd3', 'bme-clear', 'mse-clear', 'bar-write', 'ide-insecure', 'device-error'] as const;
/** What a possibly malicious host, or a crashing guest, can do. */
export const HOST_EVENTS = ['host-touch-private-mmio', 'host-relock', 'host-replay-evidence', 'guest-crash'] as const;
export type DeviceEventName = (typeof DEVICE_EVENTS)[number];
export type HostEventName = (typeof HOST_EVENTS)[number];

/** Who a step or event is about. TDIs and DSMs by pci_name(), VMs by name. */
export interface Subject {
  readonly tdi?: string;
  readonly dsm?: string;
  readonly vm?: string;
}

export type ScenarioAction =
  | (Subject & { readonly flow: FlowName })
  | (Subject & { readonly step: StepName; readonly as?: Actor })
  | (Subject & { readonly event: DeviceEventName; readonly via?: 'vfio' | 'device'; readonly bar?: number; readonly streamId?: number })
  | (Subject & { readonly event: HostEventName; readonly write?: boolean })
  | (Subject & { readonly use: true });

export interface DeviceSpec {
  readonly id: string;
  /** A built-in device (`default`, `spdm-emu-sample`). */
  readonly preset: DevicePresetName;
  /** How many VFs an SR-IOV preset has (the default device: 1). */
  readonly vfs?: number;
}

/** What must hold at the end of the run (or at the violation that stopped it). */
export interface Expectations {
  /** The invariant that must stop the run, or null for none (the default). */
  readonly violation?: string | null;
  /** TDISP state and host binding per TDI. */
  readonly tdi?: Readonly<Record<string, { readonly state?: string; readonly bound?: boolean }>>;
  /** VM phase and whether KVM killed it. */
  readonly vm?: Readonly<Record<string, { readonly phase?: 'running' | 'destroyed' | 'destroy-failed'; readonly killed?: boolean }>>;
  /** Firmware calls that must appear with the given result (the first call of that name, or `nth`). */
  readonly calls?: readonly { readonly op: string; readonly result: string; readonly nth?: number }[];
  /** Steps that must have ended with the given result (the first run of that step, or `nth`). */
  readonly steps?: readonly { readonly step: StepName; readonly result: string; readonly nth?: number }[];
  /** Flows that must have succeeded or failed. */
  readonly flows?: readonly { readonly flow: FlowName; readonly ok: boolean; readonly nth?: number }[];
  /** Steps that must have run successfully, in this relative order. */
  readonly order?: readonly StepName[];
}

export interface Scenario {
  readonly name: string;
  readonly description?: string;
  readonly seed?: string | number;
  readonly platform: { readonly devices: readonly DeviceSpec[] };
  readonly vms: readonly string[];
  readonly assign: readonly { readonly tdi: string; readonly vm: string; readonly guestRid: number | string }[];
  readonly flrPolicy?: FlrPolicy;
  readonly faults?: readonly { readonly kind: FaultKind; readonly nth: number }[];
  readonly steps: readonly ScenarioAction[];
  readonly expect?: Expectations;
  /** Per-arch expectations, merged over `expect` key by key. */
  readonly expectByArch?: Readonly<Record<string, Expectations>>;
}
