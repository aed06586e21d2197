/**
 * What can be made to fail, like the kernel's fail_nth: the n-th call of a kind fails
 * (1-based, counted from the start of the run).
 */
export const FAULT_KINDS = ['firmware', 'doe', 'alloc'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FailNth {
  readonly kind: FaultKind;
  readonly nth: number;
}

/** Counters and the failures asked for; plain data so a world snapshot includes it. */
export interface FaultState {
  readonly counts: Record<FaultKind, number>;
  readonly failures: readonly FailNth[];
  /** The failures that fired, in order: `kind#n`. */
  readonly fired: string[];
}

/**
 * Decides which calls fail. Every firmware call, DOE exchange and host allocation asks it
 * first; the answer depends only on the counts, so a run is reproducible.
 */
export class FaultInjector {
  constructor(private state: FaultState = { counts: { firmware: 0, doe: 0, alloc: 0 }, failures: [], fired: [] }) {}

  static of(failures: readonly FailNth[]): FaultInjector {
    return new FaultInjector({ counts: { firmware: 0, doe: 0, alloc: 0 }, failures: [...failures], fired: [] });
  }

  /** Counts one call of `kind`; true when this one is to fail. */
  shouldFail(kind: FaultKind): boolean {
    const n = ++this.state.counts[kind];
    const hit = this.state.failures.some((f) => f.kind === kind && f.nth === n);
    if (hit) this.state.fired.push(`${kind}#${n}`);
    return hit;
  }

  count(kind: FaultKind): number {
    return this.state.counts[kind];
  }

  /** A copy of the counts (cheaper than a whole snapshot: a run's report takes it once). */
  get counts(): Record<FaultKind, number> {
    return { ...this.state.counts };
  }

  get fired(): readonly string[] {
    return this.state.fired;
  }

  snapshot(): FaultState {
    return structuredClone(this.state);
  }

  restore(state: FaultState): void {
    this.state = structuredClone(state);
  }
}
