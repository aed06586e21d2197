import { canonicalHash, canonicalJson } from '../util/canonical.js';
import type { DeviceModel, DeviceState } from './state.js';

/** A deep copy of the device's whole state: restoring it makes the device answer as it did then. */
export type DeviceSnapshot = DeviceState;

export function takeSnapshot(model: DeviceModel): DeviceSnapshot {
  return structuredClone(model.state);
}

/** Which functions and IDE streams a state has: a snapshot fits only a device of the same shape. */
const shapeOf = (state: DeviceState): string => canonicalJson({ functions: Object.keys(state.functions).sort(), ide: Object.keys(state.ide).sort() });

export function restoreSnapshot(model: DeviceModel, snapshot: DeviceSnapshot): void {
  if (shapeOf(snapshot) !== shapeOf(model.state)) throw new RangeError('the snapshot is of a device with other functions or IDE streams');
  model.state = structuredClone(snapshot);
}

/** SHA-256 of the canonical state: equal states hash equal, whatever order they were reached in. */
export function stateHash(model: DeviceModel): string {
  return canonicalHash(model.state);
}
