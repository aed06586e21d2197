import {
  type Codec,
  type DecodedStack,
  type ReservedWarning,
  type WireLayer,
  deviceInterfaceReportCodec,
  doeDataObjectCodec,
  encodeWith,
  idekm,
  spdm,
  tdisp,
} from '../wire/index.js';
import type { JsonSchema } from '../wire/index.js';

/** The JSON view of one layer's messages: the schema that checks it, and both directions. */
interface LayerJson {
  readonly schema: JsonSchema;
  toJson(m: never): unknown;
  /** Bytes from a JSON view that passed `schema`. */
  encodeJson(j: unknown): Uint8Array;
}

/** A message set encodes its own messages; a single layout goes through encodeWith. */
const ofSet = (set: typeof spdm | typeof tdisp | typeof idekm): LayerJson => ({
  schema: set.schema,
  toJson: (m) => set.toJson(m),
  encodeJson: (j) => (set.encode as (m: unknown) => Uint8Array)((set.fromJson as (j: unknown) => unknown)(j)),
});
const ofCodec = <T>(codec: Codec<T>): LayerJson => ({
  schema: codec.schema,
  toJson: (m) => codec.toJson(m),
  encodeJson: (j) => encodeWith(codec, codec.fromJson(j)),
});

export const LAYER_JSON: Record<WireLayer, LayerJson> = {
  doe: ofCodec(doeDataObjectCodec),
  spdm: ofSet(spdm),
  tdisp: ofSet(tdisp),
  idekm: ofSet(idekm),
  report: ofCodec(deviceInterfaceReportCodec),
};

/** A decoded stack as JSON, outermost layer first; warnings appear only when there are some. */
export function stackToJson(stack: DecodedStack): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const layer of ['doe', 'spdm', 'tdisp', 'idekm', 'report'] as const) {
    const m = stack[layer];
    if (m !== undefined) out[layer] = (LAYER_JSON[layer].toJson as (x: unknown) => unknown)(m);
  }
  if (stack.warnings.length > 0) out['warnings'] = stack.warnings.map(warningJson);
  return out;
}

function warningJson(w: ReservedWarning): string {
  return `${w.layer}: byte ${w.offset} (${w.field}): reserved field holds ${w.value}`;
}

/** The JSON Schema of what `teeio tdisp decode` prints (`teeio schema decode`): each layer the bytes carry, outermost first. */
export const DECODE_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://teeio.dev/schema/decode.json',
  title: 'teeio tdisp decode: every layer the bytes carry, and reserved fields that were not zero',
  type: 'object',
  additionalProperties: false,
  properties: {
    ...Object.fromEntries(Object.entries(LAYER_JSON).map(([layer, j]) => [layer, j.schema])),
    warnings: { type: 'array', items: { type: 'string' } },
  },
} as const;
