import type { TdiStateName } from '../wire/index.js';
import type { BoundInterface, TdiRecord } from './state.js';

/**
 * The TDISP TDI states and their transitions (PCIe 6.1 §11.3; linux-tsm-core §4). Which request
 * may run in which state is the request table's business; this file only moves between states.
 */

export const ANY_STATE: readonly TdiStateName[] = ['CONFIG_UNLOCKED', 'CONFIG_LOCKED', 'RUN', 'ERROR'];
/** The spec counts a TDI as locked in CONFIG_LOCKED and RUN. */
export const LOCKED_STATES: readonly TdiStateName[] = ['CONFIG_LOCKED', 'RUN'];

export const isLocked = (tdi: TdiRecord): boolean => LOCKED_STATES.includes(tdi.state);

/** LOCK_INTERFACE: CONFIG_UNLOCKED → CONFIG_LOCKED with what the lock fixed. */
export function lockInterface(tdi: TdiRecord, bound: BoundInterface): void {
  tdi.state = 'CONFIG_LOCKED';
  tdi.bound = bound;
}

/** START_INTERFACE: CONFIG_LOCKED → RUN; the nonce has served its purpose. */
export function startInterface(tdi: TdiRecord): void {
  tdi.state = 'RUN';
  delete tdi.bound?.startInterfaceNonce;
}

/** STOP_INTERFACE, legal in every state: → CONFIG_UNLOCKED, scrubbing the nonce and the report. */
export function stopInterface(tdi: TdiRecord): void {
  tdi.state = 'CONFIG_UNLOCKED';
  delete tdi.bound;
}

/**
 * A security-relevant event: a locked TDI goes to ERROR and keeps nothing of its lock, since no
 * request is legal there that would use it. Returns whether the TDI moved; CONFIG_UNLOCKED and
 * ERROR stay as they are (only STOP leaves ERROR).
 */
export function enterError(tdi: TdiRecord): boolean {
  if (!isLocked(tdi)) return false;
  tdi.state = 'ERROR';
  delete tdi.bound;
  return true;
}
