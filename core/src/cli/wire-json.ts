import {
  type DecodedStack,
  type ReservedWarning,
  type WireLayer,
  deviceInterfaceReportCodec,
  doeDataObjectCodec,
  idekm,
  spdm,
  tdisp,
} from '../wire/index.js';
import type { JsonSchema } from '../wire/index.js';

/** The JSON view of one layer's messages: the schema that checks it and the converters. */
interface LayerJson {
  readonly schema: JsonSchema;
  toJson(m: never): unknown;
  fromJson(j: never): unknown;
}

export const LAYER_JSON: Record<WireLayer, LayerJson> = {
  doe: doeDataObjectCodec,
  spdm,
  tdisp,
  idekm,
  report: deviceInterfaceReportCodec,
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
