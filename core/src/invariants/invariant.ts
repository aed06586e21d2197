import type { World } from '../world/world.js';

/** One way the world breaks an invariant: what, and the objects involved. */
export interface Breach {
  readonly message: string;
  readonly objects: readonly string[];
}

/**
 * A security invariant of PRODUCT.md, checked on the whole world. `every-step` invariants hold
 * between any two steps of a correct plan; `settled` ones may be broken inside a flow (a reset
 * is handled over several steps) and must hold once it finishes.
 */
export interface Invariant {
  /** PRODUCT.md's number. */
  readonly number: number;
  readonly id: string;
  readonly description: string;
  readonly when: 'every-step' | 'settled';
  check(w: World): readonly Breach[];
}
