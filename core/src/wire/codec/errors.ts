/** The wire layers teeio decodes; errors and warnings name the one they came from. */
export type WireLayer = 'doe' | 'spdm' | 'tdisp' | 'idekm' | 'report';

/** Why a buffer was rejected. Each is a distinct, testable class of malformed input. */
export type DecodeReason =
  | 'truncated' // the buffer ends inside a field
  | 'overlong' // bytes remain after the message's last field
  | 'version' // a version field this layer does not speak
  | 'unknown-type' // a message or object type this layer does not define
  | 'length-mismatch' // a length field disagrees with the bytes present
  | 'reserved' // strict mode: a reserved field is not zero
  | 'invalid-value'; // a field holds a value its layout forbids

/**
 * The only exception a decoder throws. It names the layer, the byte offset of the offending
 * field (relative to the start of the buffer handed to that layer's decoder) and the field.
 */
export class WireDecodeError extends Error {
  override readonly name = 'WireDecodeError';
  constructor(
    readonly layer: WireLayer,
    readonly offset: number,
    readonly field: string,
    readonly reason: DecodeReason,
    readonly detail: string,
  ) {
    super(`${layer}: byte ${offset} (${field}): ${reason}: ${detail}`);
  }

  /** The same error with its field path under `prefix` (a struct field name or an `[i]` index). */
  within(prefix: string): WireDecodeError {
    return new WireDecodeError(this.layer, this.offset, joinPath(prefix, this.field), this.reason, this.detail);
  }

  /** The same error located `base` bytes further on (the layer sat inside an outer one). */
  shifted(base: number): WireDecodeError {
    return new WireDecodeError(this.layer, this.offset + base, this.field, this.reason, this.detail);
  }
}

/** Thrown by an encoder handed a value its layout cannot hold (for example a u8 of 256). */
export class WireEncodeError extends Error {
  override readonly name = 'WireEncodeError';
  constructor(
    readonly field: string,
    readonly detail: string,
  ) {
    super(`${field}: ${detail}`);
  }

  within(prefix: string): WireEncodeError {
    return new WireEncodeError(joinPath(prefix, this.field), this.detail);
  }
}

/**
 * Field paths are built only when something fails: codecs name a field relative to their parent
 * and each enclosing struct or array prefixes its own name on the way out. Decoding a valid
 * message therefore builds no strings.
 */
export function joinPath(prefix: string, field: string): string {
  if (prefix === '') return field;
  if (field === '') return prefix;
  return field.startsWith('[') ? `${prefix}${field}` : `${prefix}.${field}`;
}

/** A reserved field that held a non-zero value: kept in the decoded form, and reported. */
export interface ReservedWarning {
  readonly layer: WireLayer;
  readonly offset: number;
  readonly field: string;
  readonly value: string;
}
