import { WireEncodeError } from './errors.js';

const PLAIN = /^[0-9a-fA-F]*$/;
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lower-case hex of `bytes`, no separators. */
export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += HEX[b];
  return s;
}

/**
 * Parses hex, tolerating white space, `0x` prefixes and `:`/`-` separators as people paste them
 * from dumps. Throws WireEncodeError naming the character offset of the first bad character.
 */
export function fromHex(text: string, field = 'hex'): Uint8Array {
  // Hex as teeio writes it (state, evidence, relayed messages) needs no cleaning.
  const plain = PLAIN.test(text);
  const clean = plain ? text : text.replace(/0x/gi, '').replace(/[\s:-]/g, '');
  const bad = plain ? null : /[^0-9a-fA-F]/.exec(clean);
  if (bad) throw new WireEncodeError(field, `not hex: '${bad[0]}' at character ${bad.index}`);
  if (clean.length % 2 !== 0) throw new WireEncodeError(field, `odd number of hex digits (${clean.length})`);
  // Validated above, so Buffer's fast decoder cannot stop early; copied out of Buffer's pool.
  return new Uint8Array(Buffer.from(clean, 'hex'));
}

/** `0x` hex of an integer, zero-padded to `digits`. */
export function hexNumber(v: number | bigint, digits = 0): string {
  return `0x${v.toString(16).padStart(digits, '0')}`;
}
