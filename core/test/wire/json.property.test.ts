/**
 * Requirement 5: the JSON view that `teeio tdisp decode` prints and `teeio tdisp encode` reads.
 * For every layer, toJson(m) is plain JSON, passes the layer's own schema under ajv
 * (compileSchema, as the CLI runs it), and fromJson(toJson(m)) deep-equals m.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SchemaError } from '../../src/schema/validator.js';
import { idekm, spdm, tdisp } from '../../src/wire/index.js';
import { IDEKM_TYPES, SPDM_TYPES, TDISP_TYPES, idekmMessageOf, spdmMessageOf, tdispMessageOf } from './arbitraries.js';
import { LAYERS, schemaCheck, show } from './helpers.js';

describe('toJson passes the layer schema and fromJson(toJson(m)) = m', () => {
  for (const l of LAYERS) {
    it(l.name, () => {
      const check = schemaCheck(l.json.schema);
      fc.assert(
        fc.property(l.arbitrary, (m) => {
          const j = l.json.toJson(m);
          // What the CLI prints is what it reads back: go through text.
          const text = JSON.stringify(j);
          const parsed = JSON.parse(text) as unknown;
          expect(parsed).toStrictEqual(j);
          try {
            check(parsed);
          } catch (e) {
            throw new Error(`${l.name}: ${(e as Error).message} in ${text} (from ${show(m)})`, { cause: e });
          }
          expect(l.json.fromJson(parsed as never)).toStrictEqual(m);
          // And the bytes agree: encode(fromJson(toJson(m))) = encode(m).
          expect(l.encode(l.json.fromJson(parsed as never))).toStrictEqual(l.encode(m));
        }),
        { numRuns: 300 },
      );
    });
  }
});

describe('every message type’s JSON view', () => {
  const sets = [
    { set: tdisp, names: TDISP_TYPES, arb: tdispMessageOf },
    { set: idekm, names: IDEKM_TYPES, arb: idekmMessageOf },
    { set: spdm, names: SPDM_TYPES, arb: spdmMessageOf },
  ] as const;
  for (const { set, names, arb } of sets) {
    describe(set.layer, () => {
      it.each(names as readonly string[])('%s', (name) => {
        const check = schemaCheck(set.schema);
        fc.assert(
          fc.property((arb as (n: string) => fc.Arbitrary<never>)(name), (m) => {
            const j = JSON.parse(JSON.stringify((set.toJson as (x: never) => unknown)(m))) as Record<string, string>;
            check(j);
            expect((set.fromJson as (x: unknown) => unknown)(j)).toStrictEqual(m);
          }),
          { numRuns: 60 },
        );
      });
    });
  }
});

describe('the schema is what stands between user JSON and fromJson', () => {
  const check = schemaCheck(tdisp.schema);
  const lock = () =>
    tdisp.toJson({
      version: 0x10,
      messageType: 'LOCK_INTERFACE_REQUEST',
      interfaceId: { functionId: { requesterId: 0xbeef, segment: 0, segmentValid: false } },
      flags: 7,
      defaultStreamId: 0,
      mmioReportingOffset: 0xd0000000n,
      bindP2pAddressMask: 0n,
    }) as Record<string, unknown>;

  it('accepts the view, and the hand-written forms people type (decimal numbers, names)', () => {
    expect(() => check(lock())).not.toThrow();
    expect(() => check({ ...lock(), flags: 7, defaultStreamId: '0x01' })).not.toThrow();
    const err = { version: '0x10', messageType: 'TDISP_ERROR', interfaceId: lock()['interfaceId'], errorCode: 'INVALID_NONCE', errorData: 0 };
    expect(() => check(err)).not.toThrow();
    expect(tdisp.fromJson(err as never)).toMatchObject({ errorCode: 0x102 });
  });

  it.each([
    ['an unknown field', { extra: 1 }, '/extra'],
    ['a u8 out of range', { defaultStreamId: 256 }, '/defaultStreamId'],
    ['a 64-bit field as a number', { mmioReportingOffset: 5 }, '/mmioReportingOffset'],
    ['a TDISP version other than 0x10', { version: '0x11' }, '/version'],
    ['a missing field', { flags: undefined }, '/flags'],
  ])('rejects %s', (_, patch, pointer) => {
    const doc = JSON.parse(JSON.stringify({ ...lock(), ...patch })) as unknown;
    let error: unknown;
    try {
      check(doc);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SchemaError);
    expect((error as SchemaError).pointer).toBe(pointer);
  });
});
