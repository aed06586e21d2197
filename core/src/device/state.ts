import type { SeededRandomState } from '../util/seeded-random.js';
import type { DeviceInterfaceReport, TdiStateName } from '../wire/index.js';
import type { DeviceConfig } from './config.js';
import { type IdeKeyState, initialIdeState } from './ide-keys.js';
import type { RecordOwnership } from './copy-on-write.js';
import type { LockedIndex } from './locked-index.js';
import { functionKey, isTdi, type Topology } from './topology.js';

/**
 * The device's whole mutable state, as plain data (numbers, strings, bigints, byte arrays,
 * records keyed by name): it clones structurally (snapshot.ts) and hashes canonically, whatever order
 * it was built in. The configuration is not part of it; it never changes.
 */

/**
 * What LOCK_INTERFACE fixed; exists exactly while the TDI is CONFIG_LOCKED or RUN. Its report,
 * nonce and P2P stream list are values: a request replaces them, never changes them in place
 * (so copies of the record share them, and a report's encoding is made once).
 */
export interface BoundInterface {
  flags: number;
  defaultStreamId: number;
  mmioReportingOffset: bigint;
  bindP2pAddressMask: bigint;
  /** Built at LOCK time; SET_MMIO_ATTRIBUTE updates it. */
  report: DeviceInterfaceReport;
  /** Made at LOCK; a successful START consumes it ([C] zeroises it after the check). */
  startInterfaceNonce?: Uint8Array;
  /** P2P stream ids bound in RUN, ascending. */
  p2pStreams: number[];
}

export interface TdiRecord {
  state: TdiStateName;
  bound?: BoundInterface;
}

export interface FunctionRecord {
  /** Current BAR addresses by BAR index (a BAR write moves them). */
  barAddresses: Record<string, bigint>;
  /** Present for functions that are TDIs. */
  tdi?: TdiRecord;
}

export interface DeviceState {
  rng: SeededRandomState;
  /** How many of the next nonce draws fail (an injected entropy source failure). */
  entropyFailures: number;
  /** By functionKey. */
  functions: Record<string, FunctionRecord>;
  ide: IdeKeyState;
}

/** Configuration, derived lookups, and the state that requests and events change. */
export interface DeviceModel {
  readonly config: DeviceConfig;
  readonly topology: Topology;
  state: DeviceState;
  /** Which TDIs are locked, kept as LOCK succeeds (derived from `state`, not part of it). */
  readonly locks: LockedIndex;
  /** Which records of `state` are the device's own to write, and which a snapshot shares. */
  readonly ownership: RecordOwnership;
}

export function initialState(config: DeviceConfig): DeviceState {
  const functions: Record<string, FunctionRecord> = {};
  for (const fn of config.functions) {
    const record: FunctionRecord = { barAddresses: Object.fromEntries(fn.bars.map((b) => [String(b.index), b.address])) };
    if (isTdi(fn)) record.tdi = { state: 'CONFIG_UNLOCKED' };
    functions[functionKey(fn.requesterId)] = record;
  }
  return { rng: { seed: String(config.seed), counter: 0 }, entropyFailures: 0, functions, ide: initialIdeState(config.ide) };
}

/** The record of the function at `key`, to read (writableFunction to change it); the key comes from the topology, so it exists. */
export function functionRecord(model: DeviceModel, key: string): FunctionRecord {
  const record = model.state.functions[key];
  if (!record) throw new Error(`internal: no state for function ${key}`);
  return record;
}
