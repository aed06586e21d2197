import type { Violation } from '../invariants/checker.js';

/** A visited-set key: a world's canonical state, as text or (where it fits) a number. */
export type StateKey = string | number;

/**
 * What the search needs of a world to explore, whatever the model's kind: the initial state and
 * the successors of a state. A scenario model's world is a whole teeio world on one plugin
 * (model-world.ts); a device model's is the simulated device and a host rule set
 * (device-world.ts). `S` is the world's own copy of a state: it crosses to worker threads by
 * structured clone, so it holds plain data only.
 */
export interface ExplorerWorld<S> {
  initial(): Initial<S>;
  /**
   * Every event with budget left, fired from `state` in the model's event order. A world sends
   * a copy of each state the first time it reaches it, and never again: the search reads
   * successors in order, so it has the state by then (true of every worker on its own too).
   */
  expand(state: S): Expansion<S>;
}

/** A firmware (or device) call that returned an error code, by its operation. */
export interface FirmwareError {
  readonly op: string;
  readonly code: string;
}

/**
 * What firing one event from a state gave. Every field is present (undefined where there is
 * nothing): a search makes millions, and one object shape keeps them cheap.
 */
export interface Successor<S> {
  readonly event: number;
  /** The event changed the state (otherwise it could not fire: no transition). */
  readonly fired: boolean;
  /** The visited-set key (abstracted when reducing), remaining budgets included. */
  readonly key: StateKey;
  /**
   * The state reached, the first time this world reaches it (see expand); left out where the
   * event did not fire or the world sent that state before.
   */
  readonly state: S | undefined;
  readonly violation: Violation | undefined;
  readonly firmwareErrors: readonly FirmwareError[];
}

/** Every event from one state, and whether that state is cleanly torn down (for deadlocks). */
export interface Expansion<S> {
  readonly successors: readonly Successor<S>[];
  readonly tornDown: boolean;
}

/** The start of the search, or the violation that stopped it there. */
export interface Initial<S> {
  readonly key: StateKey;
  readonly state: S;
  readonly violation?: Violation;
  readonly firmwareErrors: readonly FirmwareError[];
}
