import { type ConformanceOptions, runConformance } from '@teeio/core';
import type { Mutant } from './catalogue.js';

/** What the kit made of one mutant: caught (by which checks) or survived. */
export interface Verdict {
  readonly mutant: Mutant;
  readonly caughtBy: readonly string[];
  /** The first finding of the first check that caught it. */
  readonly evidence: string;
}

/** Runs the kit (or the checks `only` names) on a mutant. */
export async function kill(mutant: Mutant, only?: ConformanceOptions['only']): Promise<Verdict> {
  const report = await runConformance(mutant.module, { name: mutant.id, ...(only ? { only } : {}) });
  const failed = report.checks.filter((c) => c.outcome === 'fail');
  return { mutant, caughtBy: failed.map((c) => c.id), evidence: failed[0]?.detail ?? '' };
}
