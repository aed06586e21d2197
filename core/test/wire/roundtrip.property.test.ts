/**
 * Requirement 1: typed messages in, bytes out, and back, for every message type of every layer.
 * decode(encode(m)) deep-equals m; encode(decode(b)) equals b for every encoded b; the encoded
 * size and every reserved-field warning agree with the reference's field tables (layout.ts);
 * strict decoding stops at the first non-zero reserved field and accepts everything else.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeStack, idekm, spdm, tdisp } from '../../src/wire/index.js';
import {
  IDEKM_CODES,
  IDEKM_TYPES,
  SPDM_CODES,
  SPDM_TYPES,
  TDISP_CODES,
  TDISP_TYPES,
  idekmMessageOf,
  spdmMessageOf,
  stack,
  tdispMessageOf,
} from './arbitraries.js';
import { LAYERS, type LayerUnderTest, decodeError, encodeStack } from './helpers.js';
import { type Layout, expectedWarnings, idekmLayout, spdmLayout, strictOutcome, tdispLayout } from './layout.js';

/** Checks one message against every round-trip property; returns nothing, throws on a violation. */
function roundTrip<M>(l: Pick<LayerUnderTest<M>, 'layer' | 'decode' | 'encode'>, layout: (m: M) => Layout, m: M): void {
  const bytes = l.encode(m);
  const lay = layout(m);
  expect(bytes.length).toBe(lay.size);
  const d = l.decode(bytes);
  expect(d.message).toStrictEqual(m);
  expect(l.encode(d.message)).toStrictEqual(bytes);
  expect(d.warnings.map((w) => ({ field: w.field, offset: w.offset }))).toEqual(expectedWarnings(lay));
  expect(d.warnings.every((w) => w.layer === l.layer)).toBe(true);
  const strict = strictOutcome(lay);
  if (strict.ok) expect(l.decode(bytes, { strict: true }).message).toStrictEqual(m);
  else {
    const e = decodeError(() => l.decode(bytes, { strict: true }));
    expect({ layer: e.layer, reason: e.reason, field: e.field, offset: e.offset }).toEqual({ layer: l.layer, reason: 'reserved', field: strict.field, offset: strict.offset });
  }
}

describe('every layer: decode(encode(m)) = m and encode(decode(b)) = b', () => {
  for (const l of LAYERS) {
    it(l.name, () => {
      fc.assert(fc.property(l.arbitrary, (m) => roundTrip(l, (x) => l.layout(x), m)), { numRuns: 400 });
    });
  }
});

describe('every TDISP message type (23)', () => {
  const l = { layer: 'tdisp', decode: tdisp.decode.bind(tdisp), encode: tdisp.encode.bind(tdisp) } as const;
  it('the codec knows exactly the reference’s 23 types', () => {
    expect(TDISP_TYPES).toHaveLength(23);
    expect(new Set(tdisp.names)).toEqual(new Set(TDISP_TYPES));
  });
  it.each(TDISP_TYPES)('%s', (name) => {
    fc.assert(
      fc.property(tdispMessageOf(name), (m) => {
        roundTrip(l, tdispLayout, m);
        expect(tdisp.encode(m)[1]).toBe(TDISP_CODES[name]);
      }),
      { numRuns: 150 },
    );
  });
});

describe('every IDE_KM message type (7)', () => {
  const l = { layer: 'idekm', decode: idekm.decode.bind(idekm), encode: idekm.encode.bind(idekm) } as const;
  it('the codec knows exactly the reference’s 7 types', () => {
    expect(new Set(idekm.names)).toEqual(new Set(IDEKM_TYPES));
  });
  it.each(IDEKM_TYPES)('%s', (name) => {
    fc.assert(
      fc.property(idekmMessageOf(name), (m) => {
        roundTrip(l, idekmLayout, m);
        expect(idekm.encode(m)[0]).toBe(IDEKM_CODES[name]);
      }),
      { numRuns: 150 },
    );
  });
});

describe('every SPDM message type (VENDOR_DEFINED_REQUEST/RESPONSE, ERROR, GET_VERSION, VERSION)', () => {
  const l = { layer: 'spdm', decode: spdm.decode.bind(spdm), encode: spdm.encode.bind(spdm) } as const;
  it('the codec knows exactly these types', () => {
    expect(new Set(spdm.names)).toEqual(new Set(SPDM_TYPES));
  });
  it.each(SPDM_TYPES)('%s', (name) => {
    fc.assert(
      fc.property(spdmMessageOf(name), (m) => {
        roundTrip(l, spdmLayout, m);
        expect(spdm.encode(m)[1]).toBe(SPDM_CODES[name]);
      }),
      { numRuns: 200 },
    );
  });
});

describe('stacked decode: DOE → SPDM → TDISP / IDE_KM', () => {
  it('yields every generated layer, re-encodes to the same bytes, and places warnings in the outer buffer', () => {
    fc.assert(
      fc.property(stack, (s) => {
        const d = decodeStack(s.bytes, 'doe');
        expect(d.doe).toStrictEqual(s.doe);
        expect(d.spdm).toStrictEqual(s.spdm);
        expect(d.tdisp).toStrictEqual(s.tdisp);
        expect(d.idekm).toStrictEqual(s.idekm);
        expect(encodeStack(d)).toStrictEqual(s.bytes);
        // Warnings, outermost layer first, with offsets into the DOE object.
        const spdmBytes = spdm.encode(s.spdm);
        const innerBase = 8 + spdmBytes.length - ('payload' in s.spdm ? s.spdm.payload.length : 0);
        const expected = [
          ...(s.doe.reserved ? [{ layer: 'doe', field: 'reserved', offset: 3 }] : []),
          ...expectedWarnings(spdmLayout(s.spdm), 8).map((w) => ({ layer: 'spdm', ...w })),
          ...(s.tdisp ? expectedWarnings(tdispLayout(s.tdisp), innerBase).map((w) => ({ layer: 'tdisp', ...w })) : []),
          ...(s.idekm ? expectedWarnings(idekmLayout(s.idekm), innerBase).map((w) => ({ layer: 'idekm', ...w })) : []),
        ];
        expect(d.warnings.map((w) => ({ layer: w.layer, field: w.field, offset: w.offset }))).toEqual(expected);
        // Strict mode stops at the first of them.
        const [first] = expected;
        if (first === undefined) expect(decodeStack(s.bytes, 'doe', { strict: true })).toStrictEqual(d);
        else {
          const e = decodeError(() => decodeStack(s.bytes, 'doe', { strict: true }));
          expect({ layer: e.layer, field: e.field, offset: e.offset, reason: e.reason }).toEqual({ ...first, reason: 'reserved' });
        }
      }),
      { numRuns: 400 },
    );
  });
});
