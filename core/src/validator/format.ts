import type { CheckOutcome, Tally } from './outcome.js';

const LABEL = { pass: 'PASS', fail: 'FAIL', advisory: 'ADV ', 'not-applicable': 'N/A ' } as const;

/**
 * `validate: [N advisories; ][N not applicable; ]N passed, N failed`: always ends with the pass
 * and fail counts.
 */
export function summaryLine(t: Tally): string {
  const adv = t.advisories > 0 ? `${t.advisories} ${t.advisories === 1 ? 'advisory' : 'advisories'}; ` : '';
  const na = t.notApplicable > 0 ? `${t.notApplicable} not applicable; ` : '';
  return `validate: ${adv}${na}${t.passed} passed, ${t.failed} failed`;
}

/** One line per check; a failure adds its rule, where it failed, and the exchange as hex. */
export function outcomeLines(o: CheckOutcome): string[] {
  const head = `${LABEL[o.status]}  ${o.id}`;
  if (o.status === 'pass') return [head];
  if (o.status === 'not-applicable') return [`${head}: ${o.reason ?? ''}`];
  return [
    head,
    `      rule:     ${o.rule}`,
    o.status === 'advisory' ? `      advisory (${o.source ?? ''}): ${o.reason ?? ''}` : `      failed:   ${o.reason ?? ''}`,
    ...(o.request === undefined ? [] : [`      request:  ${o.request}`, `      response: ${o.response ?? ''}`]),
  ];
}
