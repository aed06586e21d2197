export type CheckStatus = 'pass' | 'fail' | 'not-applicable';

/** What one check found. */
export interface CheckOutcome {
  readonly id: string;
  readonly rule: string;
  readonly status: CheckStatus;
  /** Why it failed (where and what) or does not apply; absent on a pass. */
  readonly reason?: string;
  /** The exchange that went wrong, as hex: on a failure that got as far as a response. */
  readonly request?: string;
  readonly response?: string;
}

export interface Tally {
  readonly passed: number;
  readonly failed: number;
  readonly notApplicable: number;
}

export function tally(outcomes: readonly CheckOutcome[]): Tally {
  const count = (s: CheckStatus) => outcomes.filter((o) => o.status === s).length;
  return { passed: count('pass'), failed: count('fail'), notApplicable: count('not-applicable') };
}
