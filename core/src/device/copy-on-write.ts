import type { IdeStreamKeys } from './ide-keys.js';
import { cloneFunction, cloneStream } from './record-clone.js';
import type { DeviceModel, FunctionRecord } from './state.js';

/**
 * Copy on write between the device's live state, its snapshots and its blueprint's initial
 * state. Building a model, taking a snapshot and restoring one copy the maps of function
 * records and IDE streams but not the records: the live state then shares every record, and
 * the device copies a record the first time it writes it (writableFunction, writableStream). A
 * search that restores a state, fires one event and keeps the result copies the one record the
 * event wrote, where comparing and copying every record cost most of its time; a world of
 * thousands of VFs copies the few it uses. Every write to a record goes through these; a write
 * that did not would change a snapshot or the initial state (snapshot.property.test.ts).
 */
export class RecordOwnership {
  /**
   * Bumped each time a snapshot takes (or gives) every record: a record is the device's own
   * when it was claimed in the current generation. A counter, because clearing a set per
   * snapshot cost more than all the copies it saved. A model starts with nothing of its own:
   * its records are its blueprint's initial state (blueprint.ts).
   */
  private generation = 1;
  private readonly claimed = { functions: new Map<string, number>(), streams: new Map<string, number>() };

  /** Every record of the live state is now a snapshot's too (taken, or restored from it). */
  shareAll(): void {
    this.generation += 1;
  }

  /** Whether the live state's record under `key` is the device's own to write in place. */
  owns(kind: 'functions' | 'streams', key: string): boolean {
    return this.claimed[kind].get(key) === this.generation;
  }

  /** The device copied the record under `key`: its own until the next snapshot takes it. */
  claim(kind: 'functions' | 'streams', key: string): void {
    this.claimed[kind].set(key, this.generation);
  }
}

/** The record of the function at `key`, to change: the device's own copy. */
export function writableFunction(model: DeviceModel, key: string): FunctionRecord {
  const functions = model.state.functions;
  const record = functions[key];
  if (!record) throw new Error(`internal: no state for function ${key}`);
  if (model.ownership.owns('functions', key)) return record;
  model.ownership.claim('functions', key);
  return (functions[key] = cloneFunction(record));
}

/** The IDE stream at `key` (streamKey), to change: the device's own copy; undefined if the DSM has none. */
export function writableStream(model: DeviceModel, key: string): IdeStreamKeys | undefined {
  const ide = model.state.ide;
  const stream = ide[key];
  if (!stream) return undefined;
  if (model.ownership.owns('streams', key)) return stream;
  model.ownership.claim('streams', key);
  return (ide[key] = cloneStream(stream));
}
