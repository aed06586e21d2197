import type { DeviceInterfaceReport } from '../wire/index.js';
import { canonicalHash } from '../util/canonical.js';
import type { IdeKeyState, IdeStreamKeys, IdeSubStreamKeys } from './ide-keys.js';
import type { BoundInterface, DeviceModel, DeviceState, FunctionRecord, TdiRecord } from './state.js';

/** A deep copy of the device's whole state: restoring it makes the device answer as it did then. */
export type DeviceSnapshot = DeviceState;

/*
 * A structural clone written for the shapes of state.ts: the explorer copies the device for
 * every state it keeps and every state it returns to, and structuredClone's generic graph walk
 * cost most of the search. Every object and byte array is copied (none is shared with the
 * source: requests mutate records, key slots and reports in place); strings, numbers and bigints
 * are immutable and copied by value. A field added to state.ts must be added here
 * (core/test/device/snapshot.property.test.ts compares the result with structuredClone's).
 */

const cloneReport = (r: DeviceInterfaceReport): DeviceInterfaceReport => ({
  ...r,
  mmioRanges: r.mmioRanges.map((m) => ({ ...m })),
  deviceSpecificInfo: r.deviceSpecificInfo.slice(),
});

function cloneBound(b: BoundInterface): BoundInterface {
  const copy: BoundInterface = { ...b, report: cloneReport(b.report), p2pStreams: b.p2pStreams.slice() };
  if (b.startInterfaceNonce) copy.startInterfaceNonce = b.startInterfaceNonce.slice();
  return copy;
}

const cloneTdi = (t: TdiRecord): TdiRecord => (t.bound ? { state: t.state, bound: cloneBound(t.bound) } : { state: t.state });

function cloneFunction(f: FunctionRecord): FunctionRecord {
  const copy: FunctionRecord = { barAddresses: { ...f.barAddresses } };
  if (f.tdi) copy.tdi = cloneTdi(f.tdi);
  return copy;
}

const cloneSlot = (s: IdeSubStreamKeys): IdeSubStreamKeys => ({ programmed: { ...s.programmed }, active: s.active });

function cloneRecord<T>(record: Readonly<Record<string, T>>, clone: (v: T) => T): Record<string, T> {
  const copy: Record<string, T> = {};
  for (const key in record) copy[key] = clone(record[key] as T);
  return copy;
}

const cloneStream = (s: IdeStreamKeys): IdeStreamKeys => cloneRecord(s, cloneSlot) as IdeStreamKeys;
const cloneIde = (ide: IdeKeyState): IdeKeyState => cloneRecord(ide, cloneStream) as IdeKeyState;

/** A copy of `s`; with `ide`, that key state instead of a copy of s.ide (the caller's to share). */
export function cloneDeviceState(s: DeviceState, ide: IdeKeyState = cloneIde(s.ide)): DeviceState {
  return { rng: { ...s.rng }, entropyFailures: s.entropyFailures, functions: cloneRecord(s.functions, cloneFunction), ide };
}

/** Equal key state, slot by slot (both from one device: the same streams and slots). */
function sameIde(a: IdeKeyState, b: IdeKeyState): boolean {
  for (const stream in a) {
    const x = a[stream] as IdeStreamKeys;
    const y = b[stream] as IdeStreamKeys;
    for (const slot in x) {
      const p = x[slot as keyof IdeStreamKeys];
      const q = y[slot as keyof IdeStreamKeys];
      if (p.active !== q.active || p.programmed.K0 !== q.programmed.K0 || p.programmed.K1 !== q.programmed.K1) return false;
    }
  }
  return true;
}

/**
 * Per device, the key state of its last snapshot. Snapshots are values nobody mutates (restore
 * copies what it installs), so snapshots with equal key state may share one copy of it: IDE key
 * programming changes rarely, and a search keeps many snapshots (fewer objects, less GC).
 */
const lastIde = new WeakMap<DeviceModel, IdeKeyState>();

export function takeSnapshot(model: DeviceModel): DeviceSnapshot {
  let kept = lastIde.get(model);
  if (!kept || !sameIde(model.state.ide, kept)) lastIde.set(model, (kept = cloneIde(model.state.ide)));
  return cloneDeviceState(model.state, kept);
}

/** The two records have the same keys, in any order. */
function sameKeys(a: object, b: object): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k));
}

export function restoreSnapshot(model: DeviceModel, snapshot: DeviceSnapshot): void {
  // A snapshot fits only a device of the same shape: the same functions and IDE streams.
  if (!sameKeys(snapshot.functions, model.state.functions) || !sameKeys(snapshot.ide, model.state.ide)) {
    throw new RangeError('the snapshot is of a device with other functions or IDE streams');
  }
  // The device's own key state stays where it equals the snapshot's: only a copy may be mutated.
  model.state = sameIde(snapshot.ide, model.state.ide) ? cloneDeviceState(snapshot, model.state.ide) : cloneDeviceState(snapshot);
}

/** SHA-256 of the canonical state: equal states hash equal, whatever order they were reached in. */
export function stateHash(model: DeviceModel): string {
  return canonicalHash(model.state);
}
