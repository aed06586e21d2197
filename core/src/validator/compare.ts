import type { Comparison, Template } from './check.js';

/**
 * Evaluates Comparisons on JSON-view values. Values arrive with every Ref already resolved; a
 * comparison returns the problems it finds, as text that names the field and both values.
 */

type Json = unknown;

const NUMBER = /^0[xX][0-9a-fA-F]+$/;
const BYTES = /^(?:[0-9a-fA-F]{2})+$/;

/** A JSON-view number (64, or "0x40" as the view renders hex fields) as a bigint. */
function numeric(v: Json): bigint | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  if (typeof v === 'bigint') return v;
  if (typeof v === 'string' && NUMBER.test(v)) return BigInt(v);
  return undefined;
}

function show(v: Json): string {
  if (typeof v === 'bigint') return `0x${v.toString(16)}`;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

export function sameValue(a: Json, b: Json): boolean {
  const x = numeric(a);
  const y = numeric(b);
  if (x !== undefined && y !== undefined) return x === y;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => sameValue(v, b[i]));
  if (typeof a === 'string' && typeof b === 'string' && BYTES.test(a) && BYTES.test(b)) return a.toLowerCase() === b.toLowerCase();
  return JSON.stringify(a) === JSON.stringify(b);
}

function order(field: string, actual: Json, bound: Json, relation: 'atLeast' | 'atMost'): string[] {
  const x = numeric(actual);
  const y = numeric(bound);
  if (x === undefined || y === undefined) return [`${field} ${show(actual)} is not comparable with ${show(bound)}`];
  const holds = relation === 'atLeast' ? x >= y : x <= y;
  return holds ? [] : [`${field} ${show(actual)} is not ${relation === 'atLeast' ? 'at least' : 'at most'} ${show(bound)}`];
}

function bitsSet(field: string, actual: Json, mask: Json): string[] {
  const x = numeric(actual);
  const m = numeric(mask);
  if (x !== undefined && m !== undefined) return (x & m) === m ? [] : [`${field} ${show(actual)} lacks bits ${show(mask)}`];
  if (typeof actual === 'string' && typeof mask === 'string' && BYTES.test(actual) && BYTES.test(mask) && mask.length <= actual.length) {
    const have = Buffer.from(actual, 'hex');
    const lacking = Buffer.from(mask, 'hex').some((b, i) => ((have[i] as number) & b) !== b);
    return lacking ? [`${field} ${actual} lacks bits ${mask}`] : [];
  }
  return [`${field} ${show(actual)} cannot be masked with ${show(mask)}`];
}

interface RangeView {
  readonly firstPage?: Json;
}

/** first_page of each range in `actual` equals the same range's first_page in `base` plus `pages`. */
function rangesShifted(field: string, actual: Json, base: Json, pages: Json): string[] {
  const shift = numeric(pages);
  if (!Array.isArray(actual) || !Array.isArray(base) || shift === undefined) return [`${field} is not a list of ranges to compare with ${show(base)}`];
  if (actual.length !== base.length) return [`${field} has ${actual.length} range(s), the unshifted report ${base.length}`];
  return actual.flatMap((range: RangeView, i) => {
    const got = numeric(range.firstPage);
    const was = numeric((base[i] as RangeView).firstPage);
    if (got === undefined || was === undefined) return [`${field}[${i}] has no firstPage`];
    return got === was + shift ? [] : [`${field}[${i}].firstPage ${show(got)} is not ${show(was)} + ${show(shift)}`];
  });
}

/** The problems with `actual` (the value of `field`) against `c`; empty when every relation holds. */
export function compare(field: string, actual: Json, c: Comparison, resolve: (t: Template) => Json): string[] {
  const problems: string[] = [];
  if (actual === undefined) return [`${field} is absent`];
  if (c.equals !== undefined && !sameValue(actual, resolve(c.equals))) problems.push(`${field} is ${show(actual)}, expected ${show(resolve(c.equals))}`);
  if (c.atLeast !== undefined) problems.push(...order(field, actual, resolve(c.atLeast), 'atLeast'));
  if (c.atMost !== undefined) problems.push(...order(field, actual, resolve(c.atMost), 'atMost'));
  if (c.includes !== undefined) {
    const wanted = resolve(c.includes);
    if (!Array.isArray(actual) || !actual.some((v) => sameValue(v, wanted))) problems.push(`${field} ${show(actual)} does not include ${show(wanted)}`);
  }
  if (c.bitsSet !== undefined) problems.push(...bitsSet(field, actual, resolve(c.bitsSet)));
  if (c.rangesShiftedBy !== undefined) problems.push(...rangesShifted(field, actual, resolve(c.rangesShiftedBy.from), resolve(c.rangesShiftedBy.pages)));
  return problems;
}
