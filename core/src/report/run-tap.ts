import { INVARIANTS } from '../invariants/index.js';
import type { RunReport } from '../scenario/run.js';
import type { TapPoint } from './tap.js';

/**
 * An invariant of one run. The run stops at its first violation, so the others held as far as
 * it went. A violation the scenario expects (its `violation` expectation holds) is `# TODO`:
 * TAP's known failure, which does not fail the document, as it does not fail the run.
 */
function invariantPoint(r: RunReport, id: string, checked: boolean): TapPoint {
  const description = `${r.arch}: invariant ${id}`;
  if (!checked) return { ok: true, description, directive: 'SKIP invariants not checked (--no-invariants)' };
  const v = r.violations.find((x) => x.invariant === id);
  if (v === undefined) return { ok: true, description };
  const expected = r.expectations.some((x) => x.what === 'violation' && x.ok);
  return {
    ok: false,
    description,
    ...(expected ? { directive: 'TODO broken as the scenario expects' } : {}),
    diagnostics: [`invariant ${v.number} broken after ${v.step}: ${v.message}`],
  };
}

/** One point per expectation, then one per invariant, each named with the run's arch. */
export function runPoints(r: RunReport, invariantsChecked: boolean): TapPoint[] {
  const expectations = r.expectations.map(
    (x): TapPoint => ({
      ok: x.ok,
      description: `${r.arch}: expect ${x.what}`,
      ...(x.ok ? {} : { diagnostics: [`expected ${x.expected}, got ${x.actual}`] }),
    }),
  );
  return [...expectations, ...INVARIANTS.map((i) => invariantPoint(r, i.id, invariantsChecked))];
}
