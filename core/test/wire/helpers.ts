/** Shared test helpers for the wire codec: the layers under test, hex input, error assertions. */
import type fc from 'fast-check';
import { expect } from 'vitest';
import { compileSchema } from '../../src/schema/validator.js';
import {
  type DecodeOptions,
  type DecodeReason,
  type Decoded,
  type JsonSchema,
  type WireLayer,
  WireDecodeError,
  decodeDeviceInterfaceReport,
  decodeDoe,
  decodeWith,
  deviceInterfaceReportCodec,
  doeDataObjectCodec,
  doeDiscoveryRequestCodec,
  doeDiscoveryResponseCodec,
  encodeDeviceInterfaceReport,
  encodeDoe,
  encodeWith,
  idekm,
  spdm,
  tdisp,
} from '../../src/wire/index.js';
import * as arb from './arbitraries.js';
export { encodeStack, ref, show } from './support.js';
import { type Layout, doeDiscoveryRequestLayout, doeDiscoveryResponseLayout, doeLayout, idekmLayout, reportLayout, spdmLayout, tdispLayout } from './layout.js';

/** One layer as the tests drive it: decode/encode, its JSON view, its arbitrary and its spec layout. */
export interface LayerUnderTest<M> {
  readonly name: string;
  readonly layer: WireLayer;
  decode(bytes: Uint8Array, options?: DecodeOptions): Decoded<M>;
  encode(m: M): Uint8Array;
  readonly json: { readonly schema: JsonSchema; toJson(m: M): unknown; fromJson(j: never): M };
  readonly arbitrary: fc.Arbitrary<M>;
  layout(m: M): Layout;
}

function layer<M>(l: LayerUnderTest<M>): LayerUnderTest<M> {
  return l;
}

type DiscoveryRequest = ReturnType<typeof doeDiscoveryRequestCodec.read>;
type DiscoveryResponse = ReturnType<typeof doeDiscoveryResponseCodec.read>;

export const LAYERS = [
  layer({ name: 'doe', layer: 'doe', decode: decodeDoe, encode: encodeDoe, json: doeDataObjectCodec as never, arbitrary: arb.doeDataObject, layout: doeLayout }),
  layer({
    name: 'doe discovery request',
    layer: 'doe',
    decode: (b, o) => decodeWith(doeDiscoveryRequestCodec, 'doe', b, o),
    encode: (m: DiscoveryRequest) => encodeWith(doeDiscoveryRequestCodec, m),
    json: doeDiscoveryRequestCodec as never,
    arbitrary: arb.doeDiscoveryRequest,
    layout: doeDiscoveryRequestLayout,
  }),
  layer({
    name: 'doe discovery response',
    layer: 'doe',
    decode: (b, o) => decodeWith(doeDiscoveryResponseCodec, 'doe', b, o),
    encode: (m: DiscoveryResponse) => encodeWith(doeDiscoveryResponseCodec, m),
    json: doeDiscoveryResponseCodec as never,
    arbitrary: arb.doeDiscoveryResponse,
    layout: doeDiscoveryResponseLayout,
  }),
  layer({ name: 'spdm', layer: 'spdm', decode: (b, o) => spdm.decode(b, o), encode: (m) => spdm.encode(m), json: spdm as never, arbitrary: arb.spdmMessage, layout: spdmLayout }),
  layer({ name: 'tdisp', layer: 'tdisp', decode: (b, o) => tdisp.decode(b, o), encode: (m) => tdisp.encode(m), json: tdisp as never, arbitrary: arb.tdispMessage, layout: tdispLayout }),
  layer({ name: 'idekm', layer: 'idekm', decode: (b, o) => idekm.decode(b, o), encode: (m) => idekm.encode(m), json: idekm as never, arbitrary: arb.idekmMessage, layout: idekmLayout }),
  layer({
    name: 'report',
    layer: 'report',
    decode: decodeDeviceInterfaceReport,
    encode: encodeDeviceInterfaceReport,
    json: deviceInterfaceReportCodec as never,
    arbitrary: arb.deviceInterfaceReport,
    layout: reportLayout,
  }),
] as readonly LayerUnderTest<unknown>[];

/** Runs `fn` and returns the WireDecodeError it throws; fails the test on success or any other exception. */
export function decodeError(fn: () => unknown): WireDecodeError {
  let result: unknown;
  try {
    result = fn();
  } catch (e) {
    if (e instanceof WireDecodeError) return e;
    throw new Error(`expected a WireDecodeError, got ${String(e)}`, { cause: e });
  }
  throw new Error(`expected a WireDecodeError, decode succeeded: ${JSON.stringify(result, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))}`);
}

export interface ExpectedError {
  layer?: WireLayer;
  reason: DecodeReason;
  offset: number;
  field: string;
}

/** Asserts that `fn` throws a WireDecodeError with exactly these reason, offset and field (and layer, if given). */
export function expectDecodeError(fn: () => unknown, expected: ExpectedError): WireDecodeError {
  const e = decodeError(fn);
  const got: ExpectedError = { reason: e.reason, offset: e.offset, field: e.field, ...(expected.layer ? { layer: e.layer } : {}) };
  expect(got, e.message).toEqual(expected);
  return e;
}

/** The JSON-view check every CLI encode runs, cached per schema. */
const checks = new Map<JsonSchema, (v: unknown) => unknown>();
export function schemaCheck(schema: JsonSchema): (v: unknown) => unknown {
  let c = checks.get(schema);
  if (!c) {
    c = compileSchema(schema);
    checks.set(schema, c);
  }
  return c;
}

/** Byte equality that stays fast for large buffers; on a difference it shows both as hex. */
export function expectBytes(actual: Uint8Array, expected: Uint8Array, what?: string): void {
  const a = Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength);
  const b = Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength);
  if (!a.equals(b)) expect(a.toString('hex'), what).toBe(b.toString('hex'));
}

