import { canonicalHash } from '../util/canonical.js';
import type { DeviceModel, DeviceState } from './state.js';

/**
 * The device's whole state at one moment: restoring it makes the device answer as it did then.
 * A value nobody mutates: it shares maps and records with the device and with other snapshots,
 * and the device copies a shared one before it writes it (copy-on-write.ts).
 */
export type DeviceSnapshot = DeviceState;

/** A state sharing `s`'s maps and records (RNG and counters are values, copied): copy-on-write.ts. */
export const sharedState = (s: DeviceState): DeviceState => ({ rng: { ...s.rng }, entropyFailures: s.entropyFailures, functions: s.functions, ide: s.ide });

export function takeSnapshot(model: DeviceModel): DeviceSnapshot {
  const snapshot = sharedState(model.state);
  model.ownership.shareAll();
  return snapshot;
}

/** `record` has exactly the keys of `live` (counted, not listed: restore is hot). */
function sameKeys(record: object, live: object): boolean {
  let n = 0;
  for (const k in record) {
    if (!Object.hasOwn(live, k)) return false;
    n += 1;
  }
  for (const _ in live) n -= 1;
  return n === 0;
}

/** The same map (shared, copy-on-write.ts), or one with exactly its keys. */
const sameShape = (record: object, live: object): boolean => record === live || sameKeys(record, live);

export function restoreSnapshot(model: DeviceModel, snapshot: DeviceSnapshot): void {
  // A snapshot fits only a device of the same shape: the same functions and IDE streams.
  const live = model.state;
  if (!sameShape(snapshot.functions, live.functions) || !sameShape(snapshot.ide, live.ide)) {
    throw new RangeError('the snapshot is of a device with other functions or IDE streams');
  }
  model.state = sharedState(snapshot);
  model.ownership.shareAll();
}

/** SHA-256 of the canonical state: equal states hash equal, whatever order they were reached in. */
export function stateHash(model: DeviceModel): string {
  return canonicalHash(model.state);
}
