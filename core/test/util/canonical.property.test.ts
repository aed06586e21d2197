/**
 * canonicalJson writes its text directly; it must be exactly JSON.stringify of a normalised copy
 * (the form state hashes were defined by, which this test keeps as its reference), and must not
 * depend on the order keys, Map entries or Set members were added in.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/util/canonical.js';

/** The reference: a normalised copy (keys added sorted, tagged bigints and bytes, sorted entries). */
function normalise(v: unknown): unknown {
  if (v === null || typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number') return v;
  if (typeof v === 'bigint') return { $bigint: v.toString(16) };
  if (v instanceof Uint8Array) return { $bytes: Buffer.from(v).toString('hex') };
  if (Array.isArray(v)) return v.map(normalise);
  const byText = (a: unknown, b: unknown) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : JSON.stringify(a) > JSON.stringify(b) ? 1 : 0);
  if (v instanceof Map) return { $map: [...v.entries()].map(([k, x]) => [normalise(k), normalise(x)]).sort(byText) };
  if (v instanceof Set) return { $set: [...v].map(normalise).sort(byText) };
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v as object).sort()) {
    const x = (v as Record<string, unknown>)[k];
    if (x !== undefined) out[k] = normalise(x);
  }
  return out;
}

/** Keys that are array indices ('7', '10') are listed first by JavaScript: the case a direct writer can get wrong. */
const key = fc.oneof(fc.string({ maxLength: 4 }), fc.nat(40).map(String), fc.constantFrom('4294967294', '4294967295', '01', '-1', '1e3'));
const leaf = fc.oneof(fc.string({ maxLength: 6 }), fc.boolean(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.bigInt(), fc.constant(null), fc.uint8Array({ maxLength: 4 }));
const { value } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('array'), tie('record'), tie('map'), tie('set')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  record: fc.array(fc.tuple(key, fc.option(tie('value'), { nil: undefined })), { maxLength: 5 }).map((es) => Object.fromEntries(es)),
  map: fc.array(fc.tuple(leaf, tie('value')), { maxLength: 3 }).map((es) => new Map(es)),
  set: fc.array(leaf, { maxLength: 3 }).map((es) => new Set(es)),
}));

/** The same value with every record's keys (and Map and Set members) added in reverse order. */
function reversed(v: unknown): unknown {
  if (typeof v !== 'object' || v === null || v instanceof Uint8Array) return v;
  if (Array.isArray(v)) return v.map(reversed);
  if (v instanceof Map) return new Map([...v].reverse().map(([k, x]) => [k, reversed(x)]));
  if (v instanceof Set) return new Set([...v].reverse());
  return Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reversed(x)]));
}

describe('canonicalJson', () => {
  it('is JSON.stringify of the normalised copy, for any plain data', () => {
    fc.assert(
      fc.property(value, (v) => {
        expect(canonicalJson(v)).toBe(JSON.stringify(normalise(v)));
      }),
      { numRuns: 500, seed: 20261204 },
    );
  });

  it('does not depend on the order anything was added in', () => {
    fc.assert(
      fc.property(value, (v) => {
        expect(canonicalJson(reversed(v))).toBe(canonicalJson(v));
      }),
      { numRuns: 300, seed: 20261205 },
    );
  });

  it('writes index keys first, in numeric order, as JSON.stringify does', () => {
    expect(canonicalJson({ b: 1, 10: 2, a: 3, 9: 4, x1: 5 })).toBe('{"9":4,"10":2,"a":3,"b":1,"x1":5}');
  });

  it('refuses what has no canonical form', () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(/has no canonical form/);
    expect(() => canonicalJson([() => 1])).toThrow(/cannot serialise a function/);
  });
});
