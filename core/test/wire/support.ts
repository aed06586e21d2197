/** Test support without vitest: usable by the fuzz engine under plain tsx too. */
import { type DecodedStack, encodeDeviceInterfaceReport, encodeDoe, fromHex, idekm, spdm, tdisp } from '../../src/wire/index.js';

/**
 * Hex as the reference writes it: spaces and `|` separators, `00×8` for eight zero bytes
 * (also `00x8`).
 */
export function ref(text: string): Uint8Array {
  const expanded = text.replace(/\b([0-9a-fA-F]{2})[×x](\d+)\b/g, (_, b: string, n: string) => `${b} `.repeat(Number(n))).replace(/\|/g, ' ');
  return fromHex(expanded);
}

/**
 * Encodes a decoded stack again from its innermost message outwards: the TDISP or IDE_KM
 * message into the SPDM payload, the SPDM message into the DOE payload. For a correct stacked
 * decode this reproduces the input bytes exactly.
 */
export function encodeStack(s: DecodedStack): Uint8Array {
  let spdmBytes: Uint8Array | undefined;
  if (s.spdm) {
    let m = s.spdm;
    if (s.tdisp || s.idekm) {
      if (m.code !== 'VENDOR_DEFINED_REQUEST' && m.code !== 'VENDOR_DEFINED_RESPONSE') throw new Error('an inner message outside a vendor-defined message');
      m = { ...m, payload: s.tdisp ? tdisp.encode(s.tdisp) : idekm.encode(s.idekm as never) };
    }
    spdmBytes = spdm.encode(m);
  }
  if (s.doe) return encodeDoe(spdmBytes ? { ...s.doe, payload: spdmBytes } : s.doe);
  if (spdmBytes) return spdmBytes;
  if (s.tdisp) return tdisp.encode(s.tdisp);
  if (s.idekm) return idekm.encode(s.idekm);
  if (s.report) return encodeDeviceInterfaceReport(s.report);
  throw new Error('empty stack');
}

/** JSON.stringify that shows bigints, for failure messages. */
export function show(v: unknown): string {
  return JSON.stringify(v, (_, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x instanceof Uint8Array ? Buffer.from(x).toString('hex') : x));
}
