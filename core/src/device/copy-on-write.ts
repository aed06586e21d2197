import type { IdeStreamKeys } from './ide-keys.js';
import { cloneFunction, cloneStream } from './record-clone.js';
import type { DeviceModel, FunctionRecord } from './state.js';

/**
 * Copy on write between the device's live state, its snapshots and its blueprint's initial
 * state. Building a model, taking a snapshot and restoring one copy neither the maps of
 * function records and IDE streams nor the records: the live state then shares them all, and
 * the device copies a map, then a record in it, the first time it writes that record
 * (writableFunction, writableStream). A search that restores a state, fires one event and keeps
 * the result copies the one map and record the event wrote, where comparing and copying every
 * record cost most of its time; a world of thousands of VFs copies the few records it uses.
 * Every write to a record goes through these; a write that did not would change a snapshot or
 * the initial state (snapshot.property.test.ts).
 */
export class RecordOwnership {
  /**
   * Bumped each time a snapshot takes (or gives) everything: a map or record is the device's own
   * when it was claimed in the current generation. A counter, because clearing a set per
   * snapshot cost more than all the copies it saved. A model starts with nothing of its own:
   * its maps and records are its blueprint's initial state (blueprint.ts).
   */
  private generation = 1;
  private readonly maps = { functions: 0, streams: 0 };
  private readonly claimed = { functions: new Map<string, number>(), streams: new Map<string, number>() };

  /** Every map and record of the live state is now a snapshot's too (taken, or restored from it). */
  shareAll(): void {
    this.generation += 1;
  }

  /** Whether the live state's map of `kind` (and so the right to replace its entries) is the device's own. */
  ownsMap(kind: RecordKind): boolean {
    return this.maps[kind] === this.generation;
  }

  /** Whether the live state's record under `key` is the device's own to write in place. */
  owns(kind: RecordKind, key: string): boolean {
    return this.claimed[kind].get(key) === this.generation;
  }

  /** The device copied the map of `kind`: its own until the next snapshot takes it. */
  claimMap(kind: RecordKind): void {
    this.maps[kind] = this.generation;
  }

  /** The device copied the record under `key`: its own until the next snapshot takes it. */
  claim(kind: RecordKind, key: string): void {
    this.claimed[kind].set(key, this.generation);
  }
}

type RecordKind = 'functions' | 'streams';

/** `map` if the device owns it; else a copy of it, which `install` puts in the live state. */
function writableMap<T>(ownership: RecordOwnership, kind: RecordKind, map: Record<string, T>, install: (own: Record<string, T>) => void): Record<string, T> {
  if (ownership.ownsMap(kind)) return map;
  const own = { ...map };
  install(own);
  ownership.claimMap(kind);
  return own;
}

/** The record of the function at `key`, to change: the device's own copy. */
export function writableFunction(model: DeviceModel, key: string): FunctionRecord {
  const { ownership, state } = model;
  const record = state.functions[key];
  if (!record) throw new Error(`internal: no state for function ${key}`);
  if (ownership.owns('functions', key)) return record;
  const functions = writableMap(ownership, 'functions', state.functions, (own) => (state.functions = own));
  ownership.claim('functions', key);
  return (functions[key] = cloneFunction(record));
}

/** The IDE stream at `key` (streamKey), to change: the device's own copy; undefined if the DSM has none. */
export function writableStream(model: DeviceModel, key: string): IdeStreamKeys | undefined {
  const { ownership, state } = model;
  const stream = state.ide[key];
  if (!stream) return undefined;
  if (ownership.owns('streams', key)) return stream;
  const ide = writableMap(ownership, 'streams', state.ide, (own) => (state.ide = own));
  ownership.claim('streams', key);
  return (ide[key] = cloneStream(stream));
}
