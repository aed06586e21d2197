import { compileSchema, SchemaError } from '../schema/validator.js';
import { type InterfaceId, type TdispMessage, TDISP_VERSION_10, interfaceIdCodec, tdisp } from '../wire/index.js';
import type { RequestTemplate, Tamper } from './check.js';

/** A request as the check describes it (the typed message) and as it goes on the wire. */
export interface BuiltRequest {
  readonly message: TdispMessage;
  readonly bytes: Uint8Array;
}

let checkMessage: ((json: unknown) => unknown) | undefined;

/**
 * Builds the request `template` describes, addressed to `interfaceId`, with its body already
 * resolved (no Refs left). A body the TDISP schema rejects is a bug in the check definition.
 */
export function buildRequest(template: RequestTemplate, body: Record<string, unknown>, interfaceId: InterfaceId): BuiltRequest {
  const json = { version: TDISP_VERSION_10, messageType: template.type, interfaceId: interfaceIdCodec.toJson(interfaceId), ...body };
  checkMessage ??= compileSchema(tdisp.schema);
  try {
    checkMessage(json);
  } catch (e) {
    if (e instanceof SchemaError) throw new Error(`check definition: ${template.type} body ${e.message}`, { cause: e });
    throw e;
  }
  const message = tdisp.fromJson(json as never);
  return { message, bytes: damage(tdisp.encode(message), template.tamper) };
}

/** Applies a Tamper to encoded bytes (a fresh copy; the encoder's buffer is left alone). */
function damage(bytes: Uint8Array, tamper: Tamper | undefined): Uint8Array {
  if (tamper === undefined) return bytes;
  const delta = tamper.sizeDelta ?? 0;
  const out = new Uint8Array(Math.max(0, bytes.length + delta));
  out.set(delta < 0 ? bytes.subarray(0, out.length) : bytes);
  if (tamper.version !== undefined) out[0] = tamper.version;
  if (tamper.messageType !== undefined) out[1] = tamper.messageType;
  return out;
}
