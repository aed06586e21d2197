import {
  ByteReader,
  encodeWith,
  TDISP_HEADER_SIZE,
  TDISP_VERSION_10,
  tdisp,
  TdispErrorCode,
  type TdispHeader,
  tdispHeaderCodec,
  type TdispMessage,
  TdispRequestCode,
  type TdispRequestType,
} from '../wire/index.js';
import { failure, isFailure, type RequestHandler, type TdiContext, type TdispFailure, type TdispReply } from './request-handler.js';
import { writableFunction } from './copy-on-write.js';
import { functionRecord, type DeviceModel, type TdiRecord } from './state.js';
import { requestHandlers } from './tdisp-requests.js';
import { tdiKeyOf } from './topology.js';
import { tryDecode } from './try-decode.js';

/** The answer to raw TDISP bytes: a TDISP response, or a request too short to have a header. */
export type TdispOutcome = { readonly response: Uint8Array } | { readonly transportError: string };

const REQUEST_BY_CODE = new Map<number, TdispRequestType>(Object.entries(TdispRequestCode).map(([name, code]) => [code, name as TdispRequestType]));

/** The request type of `code` when the device advertises it in req_msg_supported. */
function supportedRequest(model: DeviceModel, code: number): keyof typeof requestHandlers | undefined {
  const name = REQUEST_BY_CODE.get(code);
  return name !== undefined && name !== 'VDM_REQUEST' && model.config.capabilities.supportedRequests.includes(name) ? name : undefined;
}

/**
 * The full message, decoded as if its version were 1.0: [E] checks the size before the version,
 * and the codec would otherwise stop at the version byte. undefined: the size is wrong.
 */
function decodeAtVersion10(header: TdispHeader, request: Uint8Array): TdispMessage | undefined {
  // At 1.0 already the normalised bytes would be the request's own: the header codec re-encodes
  // what it decoded, reserved bytes included.
  if (header.version === TDISP_VERSION_10) return tryDecode(() => tdisp.decode(request).message);
  const head = encodeWith(tdispHeaderCodec, { ...header, version: TDISP_VERSION_10 });
  const body = request.subarray(TDISP_HEADER_SIZE);
  const normalised = new Uint8Array(head.length + body.length);
  normalised.set(head);
  normalised.set(body, head.length);
  return tryDecode(() => tdisp.decode(normalised).message);
}

function tdiContext(model: DeviceModel, header: TdispHeader): TdiContext | undefined {
  const key = tdiKeyOf(model.topology, header.interfaceId);
  if (key === undefined) return undefined;
  const fn = model.topology.functions.get(key);
  const record = functionRecord(model, key);
  return fn && record.tdi && { model, key, fn, record, tdi: record.tdi };
}

/** `ctx` with the device's own copy of the TDI's record, for a handler that writes it (copy-on-write.ts). */
function writable(ctx: TdiContext): TdiContext {
  const record = writableFunction(ctx.model, ctx.key);
  return record === ctx.record ? ctx : { ...ctx, record, tdi: record.tdi as TdiRecord };
}

/** [E]'s order: message type, size, version, then the interface, then the state and the request's own rules. */
function answer(model: DeviceModel, header: TdispHeader, request: Uint8Array): TdispReply {
  const name = supportedRequest(model, header.messageType);
  if (!name) return failure('UNSUPPORTED_REQUEST', header.messageType);
  const message = decodeAtVersion10(header, request);
  if (!message) return failure('INVALID_REQUEST');
  if (header.version !== TDISP_VERSION_10) return failure('VERSION_MISMATCH');
  const ctx = tdiContext(model, header);
  if (!ctx) return failure('INVALID_INTERFACE');
  const handler = requestHandlers[name] as RequestHandler<typeof name>;
  if (!handler.states.includes(ctx.tdi.state)) return failure('INVALID_INTERFACE_STATE');
  // A request refused above wrote nothing; only a handler that writes gets (and may copy) the record.
  return handler.handle(handler.reads ? ctx : writable(ctx), message as never);
}

/** [E]: the ERROR echoes the request's version (mismatched or not) and function_id; the reserved bytes are zero. */
function errorMessage(header: TdispHeader, f: TdispFailure): TdispMessage {
  return {
    version: header.version,
    messageType: 'TDISP_ERROR',
    interfaceId: { functionId: header.interfaceId.functionId },
    errorCode: TdispErrorCode[f.failure],
    errorData: f.errorData,
  };
}

/**
 * Answers one raw TDISP request (bytes from the TDISP header on). A request shorter than the
 * header is a transport-level error, as in [E], whose dispatcher refuses it before TDISP does.
 */
export function handleTdispRequest(model: DeviceModel, request: Uint8Array): TdispOutcome {
  if (request.length < TDISP_HEADER_SIZE) return { transportError: `a TDISP request needs its ${TDISP_HEADER_SIZE}-byte header, got ${request.length} byte(s)` };
  const header = tdispHeaderCodec.read(new ByteReader(request, 'tdisp'), '');
  const reply = answer(model, header, request);
  const message = isFailure(reply) ? errorMessage(header, reply) : ({ version: TDISP_VERSION_10, interfaceId: header.interfaceId, ...reply } as TdispMessage);
  return { response: tdisp.encode(message) };
}
