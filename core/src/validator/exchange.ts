import { toHex } from '../wire/index.js';
import type { BuiltRequest } from './request.js';

/** One request under check and what came back, decoded to its JSON view. */
export interface Exchange {
  readonly request: BuiltRequest;
  readonly response: Uint8Array;
  /** The response's JSON view, plus derived fields (`reportSize`). */
  readonly view: Readonly<Record<string, unknown>>;
}

/** The response in a few words: its type, and what matters about it. */
export function summarise(view: Readonly<Record<string, unknown>>): string {
  const type = String(view['messageType']);
  if (type === 'TDISP_ERROR') return `TDISP_ERROR ${String(view['errorCode'])} (error_data ${String(view['errorData'])})`;
  if (type === 'DEVICE_INTERFACE_STATE') return `DEVICE_INTERFACE_STATE ${String(view['tdiState'])}`;
  return type;
}

/** INTERFACE_ID sits at bytes 4..15 of every TDISP message. */
export function interfaceIdBytes(message: Uint8Array): string {
  return toHex(message.subarray(4, 16));
}
