/**
 * `advisory`: the responder misses an expectation another test plan adds to the spec
 * (CheckDefinition.advisory); it does not fail the run unless the run is strict.
 */
export type CheckStatus = 'pass' | 'fail' | 'advisory' | 'not-applicable';

/** What one check found. */
export interface CheckOutcome {
  readonly id: string;
  readonly rule: string;
  readonly status: CheckStatus;
  /** On an advisory: the test plan that asks for the rule. */
  readonly source?: string;
  /** Why it failed (where and what) or does not apply; absent on a pass. */
  readonly reason?: string;
  /** The exchange that went wrong, as hex: on a failure that got as far as a response. */
  readonly request?: string;
  readonly response?: string;
}

export interface Tally {
  readonly passed: number;
  readonly failed: number;
  readonly advisories: number;
  readonly notApplicable: number;
}

export function tally(outcomes: readonly CheckOutcome[]): Tally {
  const count = (s: CheckStatus) => outcomes.filter((o) => o.status === s).length;
  return { passed: count('pass'), failed: count('fail'), advisories: count('advisory'), notApplicable: count('not-applicable') };
}

/** `--strict`: every advisory counts as a failure. */
export function strictly(outcomes: readonly CheckOutcome[]): CheckOutcome[] {
  return outcomes.map((o) => (o.status === 'advisory' ? { ...o, status: 'fail' } : o));
}
