import type { DeviceState } from './state.js';
import { isLocked } from './tdi-state-machine.js';

/**
 * Which TDIs of one device are CONFIG_LOCKED or RUN, without scanning every function: the
 * invariants about locked TDIs (1 and 3) ask after every step, and a device may have thousands
 * of VFs. LOCK_INTERFACE is the only way into a locked state (tdi-state-machine.ts: START needs
 * CONFIG_LOCKED, events and STOP only leave it), so the keys LOCK noted are a superset of the
 * locked TDIs; each read drops the ones no longer locked. A state replaced wholesale (a
 * restore) is scanned once. Not part of the device's state: it is derived from it.
 */
export class LockedIndex {
  private keys = new Set<string>();
  private of: DeviceState | undefined;

  /** LOCK moved the TDI at `key` to CONFIG_LOCKED. */
  noteLock(key: string): void {
    this.keys.add(key);
  }

  /** The keys of the TDIs of `state` that are CONFIG_LOCKED or RUN, in no particular order. */
  locked(state: DeviceState): string[] {
    if (state !== this.of) {
      this.of = state;
      this.keys = new Set(Object.keys(state.functions));
    }
    const out: string[] = [];
    for (const key of this.keys) {
      const tdi = state.functions[key]?.tdi;
      if (tdi && isLocked(tdi)) out.push(key);
      else this.keys.delete(key);
    }
    return out;
  }
}
