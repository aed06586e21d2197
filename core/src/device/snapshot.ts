import type { DeviceInterfaceReport } from '../wire/index.js';
import { canonicalHash } from '../util/canonical.js';
import type { IdeKeyState, IdeStreamKeys, IdeSubStreamKeys } from './ide-keys.js';
import type { BoundInterface, DeviceModel, DeviceState, FunctionRecord, TdiRecord } from './state.js';

/**
 * A deep copy of the device's whole state: restoring it makes the device answer as it did then.
 * A value nobody mutates: snapshots of one device may share records with each other, never with
 * the device (restore installs copies).
 */
export type DeviceSnapshot = DeviceState;

/*
 * A structural clone written for the shapes of state.ts: the explorer copies the device for
 * every state it keeps and every state it returns to, and structuredClone's generic graph walk
 * cost most of the search. Every object and byte array is copied (none is shared with the
 * source: requests mutate records, key slots and reports in place); strings, numbers and bigints
 * are immutable and copied by value. Byte arrays are copied with the constructor, not slice():
 * V8 keeps small ones on its heap then, which costs the collector far less. A field added to
 * state.ts must be added here (core/test/device/snapshot.property.test.ts compares the result
 * with structuredClone's).
 */

const cloneReport = (r: DeviceInterfaceReport): DeviceInterfaceReport => ({
  ...r,
  mmioRanges: r.mmioRanges.map((m) => ({ ...m })),
  deviceSpecificInfo: new Uint8Array(r.deviceSpecificInfo),
});

function cloneBound(b: BoundInterface): BoundInterface {
  const copy: BoundInterface = { ...b, report: cloneReport(b.report), p2pStreams: b.p2pStreams.slice() };
  if (b.startInterfaceNonce) copy.startInterfaceNonce = new Uint8Array(b.startInterfaceNonce);
  return copy;
}

const cloneTdi = (t: TdiRecord): TdiRecord => (t.bound ? { state: t.state, bound: cloneBound(t.bound) } : { state: t.state });

function cloneFunction(f: FunctionRecord): FunctionRecord {
  const copy: FunctionRecord = { barAddresses: { ...f.barAddresses } };
  if (f.tdi) copy.tdi = cloneTdi(f.tdi);
  return copy;
}

const cloneSlot = (s: IdeSubStreamKeys): IdeSubStreamKeys => ({ programmed: { ...s.programmed }, active: s.active });

/**
 * A copy of `record` made by `clone`, entry by entry; where `reuse` holds an entry that `same`
 * finds equal, that entry is taken instead (so a copy shares what did not change).
 */
function cloneRecord<T>(record: Readonly<Record<string, T>>, clone: (v: T) => T, reuse?: Readonly<Record<string, T>>, same?: (a: T, b: T, key: string) => boolean): Record<string, T> {
  const copy: Record<string, T> = {};
  for (const key in record) {
    const v = record[key] as T;
    const old = reuse?.[key];
    copy[key] = old !== undefined && same?.(v, old, key) ? old : clone(v);
  }
  return copy;
}

const cloneStream = (s: IdeStreamKeys): IdeStreamKeys => cloneRecord(s, cloneSlot) as IdeStreamKeys;

export function cloneDeviceState(s: DeviceState): DeviceState {
  return { rng: { ...s.rng }, entropyFailures: s.entropyFailures, functions: cloneRecord(s.functions, cloneFunction), ide: cloneRecord(s.ide, cloneStream) as IdeKeyState };
}

/*
 * Equality of records of one device (the same functions, BARs and key slots), field by field as
 * state.ts has them, without allocating. The property test checks that restoring through them
 * gives back exactly the state snapshotted.
 */

function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

function sameReport(a: DeviceInterfaceReport, b: DeviceInterfaceReport): boolean {
  if (a.interfaceInfo !== b.interfaceInfo || a.msiXMessageControl !== b.msiXMessageControl || a.lnrControl !== b.lnrControl || a.tphControl !== b.tphControl) return false;
  if (a.reserved !== b.reserved || a.mmioRanges.length !== b.mmioRanges.length || !sameBytes(a.deviceSpecificInfo, b.deviceSpecificInfo)) return false;
  return a.mmioRanges.every((r, i) => {
    const q = b.mmioRanges[i];
    return q !== undefined && r.firstPage === q.firstPage && r.numberOfPages === q.numberOfPages && r.rangeAttributes === q.rangeAttributes && r.rangeId === q.rangeId;
  });
}

function sameBound(a: BoundInterface | undefined, b: BoundInterface | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return (
    a.flags === b.flags &&
    a.defaultStreamId === b.defaultStreamId &&
    a.mmioReportingOffset === b.mmioReportingOffset &&
    a.bindP2pAddressMask === b.bindP2pAddressMask &&
    sameBytes(a.startInterfaceNonce, b.startInterfaceNonce) &&
    a.p2pStreams.length === b.p2pStreams.length &&
    a.p2pStreams.every((id, i) => id === b.p2pStreams[i]) &&
    sameReport(a.report, b.report)
  );
}

/** Equal function records of `model`: its configuration names the BARs (no key walk, which allocates). */
const sameFunctionOf =
  (model: DeviceModel) =>
  (a: FunctionRecord, b: FunctionRecord, key: string): boolean => {
    for (const bar of model.topology.functions.get(key)?.bars ?? []) if (a.barAddresses[bar.index] !== b.barAddresses[bar.index]) return false;
    if (a.tdi === b.tdi) return true;
    return a.tdi !== undefined && b.tdi !== undefined && a.tdi.state === b.tdi.state && sameBound(a.tdi.bound, b.tdi.bound);
  };

const sameSlot = (p: IdeSubStreamKeys, q: IdeSubStreamKeys): boolean => p.active === q.active && p.programmed.K0 === q.programmed.K0 && p.programmed.K1 === q.programmed.K1;

/** The six sub-streams named (a key loop would be a slow keyed lookup: the search compares these at every restore). */
const sameStream = (a: IdeStreamKeys, b: IdeStreamKeys): boolean =>
  sameSlot(a['RX.PR'], b['RX.PR']) &&
  sameSlot(a['RX.NPR'], b['RX.NPR']) &&
  sameSlot(a['RX.CPL'], b['RX.CPL']) &&
  sameSlot(a['TX.PR'], b['TX.PR']) &&
  sameSlot(a['TX.NPR'], b['TX.NPR']) &&
  sameSlot(a['TX.CPL'], b['TX.CPL']);

/**
 * Per device, the snapshot it last took or restored. A search takes a snapshot after one event
 * from a restored state: most records are unchanged, and the new snapshot shares them with the
 * old one instead of copying them (far fewer objects kept, far less work for the collector).
 */
const last = new WeakMap<DeviceModel, DeviceSnapshot>();

/** The device each snapshot was taken from: its own snapshots fit it without a shape check. */
const takenBy = new WeakMap<DeviceSnapshot, DeviceModel>();

export function takeSnapshot(model: DeviceModel): DeviceSnapshot {
  const s = model.state;
  const base = last.get(model);
  const snapshot: DeviceSnapshot = {
    rng: { ...s.rng },
    entropyFailures: s.entropyFailures,
    functions: cloneRecord(s.functions, cloneFunction, base?.functions, sameFunctionOf(model)),
    ide: cloneRecord(s.ide, cloneStream, base?.ide, sameStream) as IdeKeyState,
  };
  last.set(model, snapshot);
  takenBy.set(snapshot, model);
  return snapshot;
}

/** The two records have the same keys, in any order (counted, not listed: restore is hot). */
function sameKeys(a: object, b: object): boolean {
  let n = 0;
  for (const k in a) {
    if (!Object.hasOwn(b, k)) return false;
    n += 1;
  }
  for (const _ in b) n -= 1;
  return n === 0;
}

export function restoreSnapshot(model: DeviceModel, snapshot: DeviceSnapshot): void {
  // A snapshot fits only a device of the same shape: the same functions and IDE streams.
  if (takenBy.get(snapshot) !== model && (!sameKeys(snapshot.functions, model.state.functions) || !sameKeys(snapshot.ide, model.state.ide))) {
    throw new RangeError('the snapshot is of a device with other functions or IDE streams');
  }
  // The device keeps its own records where they equal the snapshot's and copies the others:
  // it never holds an object of a snapshot.
  const live = model.state;
  model.state = {
    rng: { ...snapshot.rng },
    entropyFailures: snapshot.entropyFailures,
    functions: cloneRecord(snapshot.functions, cloneFunction, live.functions, sameFunctionOf(model)),
    ide: cloneRecord(snapshot.ide, cloneStream, live.ide, sameStream) as IdeKeyState,
  };
  last.set(model, snapshot);
}

/** SHA-256 of the canonical state: equal states hash equal, whatever order they were reached in. */
export function stateHash(model: DeviceModel): string {
  return canonicalHash(model.state);
}
