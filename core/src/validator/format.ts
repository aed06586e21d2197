import type { CheckOutcome, Tally } from './outcome.js';
import type { TapPoint } from '../report/tap.js';

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

/**
 * A check as a TAP point: not applicable is `# SKIP`; an advisory passes with its source as a
 * note (`--strict` has already made it a failure); a failure carries the rule and exchange.
 */
export function outcomePoint(o: CheckOutcome): TapPoint {
  if (o.status === 'not-applicable') return { ok: true, description: o.id, directive: `SKIP ${o.reason ?? ''}` };
  if (o.status === 'advisory') return { ok: true, description: o.id, directive: `advisory (${o.source ?? ''}): ${o.reason ?? ''}` };
  if (o.status === 'pass') return { ok: true, description: o.id };
  const exchange = o.request === undefined ? [] : [`request:  ${o.request}`, `response: ${o.response ?? ''}`];
  return { ok: false, description: o.id, diagnostics: [`rule:     ${o.rule}`, `failed:   ${o.reason ?? ''}`, ...exchange] };
}
