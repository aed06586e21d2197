import type { Codec } from './codec.js';
import { WireEncodeError } from './errors.js';
import { hexNumber } from './hex.js';

/**
 * The byte that names a message (a TDISP message type, an IDE_KM object id, an SPDM request
 * code). The typed value is the spec name, so message unions discriminate on it.
 */
export function tag<N extends string>(name: N, code: number): Codec<N> {
  return {
    read(r, f) {
      const at = r.offset;
      const v = r.u8(f);
      if (v !== code) r.fail(f, 'unknown-type', `${hexNumber(v, 2)} is not ${name} (${hexNumber(code, 2)})`, at);
      return name;
    },
    write(w, v, f) {
      if (v !== name) throw new WireEncodeError(f, `'${String(v)}' is not ${name}`);
      w.u8(code);
    },
    toJson: () => name,
    fromJson: () => name,
    schema: { const: name },
  };
}

/** A byte that must hold one value for this layer to parse what follows (a version). */
export function expectU8(expected: number, what: string): Codec<number> {
  return {
    read(r, f) {
      const at = r.offset;
      const v = r.u8(f);
      if (v !== expected) r.fail(f, 'version', `${what} ${hexNumber(v, 2)} is not ${hexNumber(expected, 2)}`, at);
      return v;
    },
    write(w, v, f) {
      if (v !== expected) throw new WireEncodeError(f, `${what} must be ${hexNumber(expected, 2)}`);
      w.u8(v);
    },
    toJson: (v) => hexNumber(v, 2),
    fromJson: (j) => Number(j),
    schema: { anyOf: [{ const: expected }, { type: 'string', pattern: `^0[xX]0*${expected.toString(16)}$` }] },
  };
}

/**
 * A version byte with the major version in bits 7:4 (SPDMVersion): the layouts here hold for
 * every minor version of `major`, and a different major version is another layer's format.
 */
export function expectMajor(major: number, what: string): Codec<number> {
  return {
    read(r, f) {
      const at = r.offset;
      const v = r.u8(f);
      if (v >>> 4 !== major) r.fail(f, 'version', `${what} ${hexNumber(v, 2)} is not ${major}.x`, at);
      return v;
    },
    write(w, v, f) {
      if (!Number.isInteger(v) || v < 0 || v > 0xff || v >>> 4 !== major) throw new WireEncodeError(f, `${what} ${String(v)} is not ${major}.x`);
      w.u8(v);
    },
    toJson: (v) => hexNumber(v, 2),
    fromJson: (j) => Number(j),
    schema: {
      anyOf: [
        { type: 'integer', minimum: major << 4, maximum: (major << 4) | 0xf },
        { type: 'string', pattern: `^0[xX]0*${major.toString(16)}[0-9a-fA-F]$` },
      ],
    },
  };
}
