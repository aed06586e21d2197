import { type Bdf, TDISP_VERSION_10, type TdispMessage, fromHex, interfaceIdOf, parseBdf, sha384 } from '@teeio/core';
import type { SpdmReply, SpdmRequest } from './state.js';

/**
 * How a PSP command talks to the device: through the host. A command that needs the device
 * yields a request data object (SEV_RET_SPDM_REQUEST) and is resumed with the host's answer; one
 * whose output does not fit yields the size it needs (SEV_RET_EXPAND_BUFFER_LENGTH_REQUEST)
 * [REF §1 "How DOE messages are relayed"].
 */

/** How the host issues a command: afresh, with the device's answer, or with grown buffers. */
export type Resume = { readonly kind: 'issue' } | { readonly kind: 'reply'; readonly reply: SpdmReply } | { readonly kind: 'expanded'; readonly outputLen: number };

/** One device exchange: the PSP yields the request data object and gets the host's reply. */
export function* exchange(request: SpdmRequest): Generator<{ spdm: SpdmRequest }, SpdmReply, unknown> {
  return (yield { spdm: request }) as SpdmReply;
}

/** The output buffer must hold `needed` bytes: SEV_RET_EXPAND_BUFFER_LENGTH_REQUEST until it does. */
export function* output(needed: number, have: number): Generator<{ expand: number }, void, unknown> {
  for (let len = have; len < needed; ) len = (yield { expand: needed }) as number;
}

/** What the reply was, for an error's detail. */
export function replyText(r: SpdmReply): string {
  switch (r.proto) {
    case 'NONE':
      return `no response (${r.error})`;
    case 'DOE_DISCOVERY':
      return `DOE discovery entry ${r.dataObjectType}`;
    case 'IDE_KM':
      return r.message.objectId;
    case 'TDISP':
      return r.message.messageType === 'TDISP_ERROR' ? `TDISP_ERROR 0x${r.message.errorCode.toString(16)}` : r.message.messageType;
  }
}

export function requestText(r: SpdmRequest): string {
  switch (r.proto) {
    case 'DOE_DISCOVERY':
      return `DOE discovery index ${r.index}`;
    case 'IDE_KM':
      return `DOBJ_DATA_TYPE_SPDM: IDE_KM ${r.message.objectId}`;
    case 'TDISP':
      return `DOBJ_DATA_TYPE_SPDM: TDISP ${r.message.messageType} for ${r.tdi}`;
  }
}

/** A deterministic stand-in for a device's own bytes (its certificate chain, its measurements). */
export function deviceBytes(what: string, blocks: number): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < blocks; i++) out.push(...fromHex(sha384(new TextEncoder().encode(`teeio SEV-TIO model: ${what} #${i}`))));
  return Uint8Array.from(out);
}

/** A TDISP request to the TDI, its INTERFACE_ID the host Requester ID. */
export function tdispRequest(tdi: Bdf, body: Record<string, unknown>): SpdmRequest {
  const rid = parseBdf(tdi)?.requesterId ?? 0;
  return { proto: 'TDISP', tdi, message: { version: TDISP_VERSION_10, interfaceId: interfaceIdOf(rid), ...body } as TdispMessage };
}

/** GET_DEVICE_INTERFACE_REPORT in portions: the report, or what the device answered instead. */
export function* readReport(tdi: Bdf): Generator<{ spdm: SpdmRequest }, Uint8Array | string, unknown> {
  const parts: number[] = [];
  for (;;) {
    const r = yield* exchange(tdispRequest(tdi, { messageType: 'GET_DEVICE_INTERFACE_REPORT', offset: parts.length, length: 0xffff }));
    if (r.proto !== 'TDISP' || r.message.messageType !== 'DEVICE_INTERFACE_REPORT') return replyText(r);
    parts.push(...r.message.portion);
    if (r.message.remainderLength === 0) return Uint8Array.from(parts);
  }
}
