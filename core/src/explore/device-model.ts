/**
 * A device-level model for `teeio explore` ("world": "device"): the simulated TDISP device alone,
 * with N identical TDIs, and a host that follows one architecture's rules for what it sends and
 * maps. The same bounded model SPIN checks in bench/spin/tdisp.pml, as a model file.
 */

/**
 * The events of each TDI, in the order of the Promela budgets (E_LOCK .. E_REVOKE): TDISP
 * requests sent as bytes (LOCK_INTERFACE, GET_DEVICE_INTERFACE_REPORT in portions,
 * START_INTERFACE with the nonce LOCK returned, STOP_INTERFACE), device events (FLR, Bus Master
 * Enable cleared) and the host's private MMIO mapping and revocation.
 */
export const DEVICE_MODEL_EVENTS = ['lock', 'report', 'start', 'stop', 'flr', 'bme-clear', 'map', 'revoke'] as const;
export type DeviceModelEventKind = (typeof DEVICE_MODEL_EVENTS)[number];

/** The host rule sets a device model may follow (the TDX module's TDH.MMIO.* rules). */
export const DEVICE_MODEL_HOSTS = ['tdx'] as const;
export type DeviceModelHost = (typeof DEVICE_MODEL_HOSTS)[number];

/** The most TDIs: functions 1..7 of one multi-function device, the DSM being function 0. */
export const MAX_DEVICE_MODEL_TDIS = 7;

export interface DeviceModelEvent {
  readonly fire: DeviceModelEventKind;
  /** At most this many firings per TDI per path (default 1). */
  readonly max?: number;
}

export interface DeviceExploreModel {
  readonly world: 'device';
  readonly name: string;
  readonly description?: string;
  /** The device: the preset's DSM, and its TDI replicated as functions 1..tdis. */
  readonly device: { readonly preset: 'spdm-emu-sample'; readonly tdis: number };
  readonly host: DeviceModelHost;
  /** Fired for every TDI, each at most `max` times per TDI on a path. */
  readonly events: readonly DeviceModelEvent[];
  /** Report states where nothing can fire and some TDI is not CONFIG_UNLOCKED and unmapped (default true). */
  readonly deadlock?: boolean;
}

/** One event of a device model's trace: which event, on which TDI (0 is function 1). */
export interface DeviceStep {
  readonly fire: DeviceModelEventKind;
  readonly tdi: number;
}
