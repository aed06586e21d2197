import { type DecodeReason, type ReservedWarning, type WireLayer, WireDecodeError } from './errors.js';
import { readU16, readU32, readU64 } from './le.js';

/** Up to this many bytes a loop copies faster than a view and a bulk copy. */
const SHORT = 256;

export interface DecodeOptions {
  /** Reject non-zero reserved fields instead of keeping and flagging them. */
  readonly strict?: boolean;
}

/**
 * A cursor over a byte buffer that knows the layer it decodes, so every failure it raises
 * carries the layer, the absolute offset of the field and the field's name.
 */
const NO_WARNINGS: readonly ReservedWarning[] = [];

export class ByteReader {
  offset = 0;
  readonly strict: boolean;
  private found: ReservedWarning[] | undefined;

  constructor(
    readonly bytes: Uint8Array,
    readonly layer: WireLayer,
    options: DecodeOptions = {},
  ) {
    this.strict = options.strict ?? false;
  }

  /**
   * The reserved fields found non-zero so far. Almost no message has one: until the first, every
   * reader shares one empty list instead of making its own (a decode makes a reader per layer).
   */
  get warnings(): readonly ReservedWarning[] {
    return this.found ?? NO_WARNINGS;
  }

  /** Renames the fields of the warnings found after the first `from` (a nested read's, put under its parent). */
  renameWarnings(from: number, rename: (field: string) => string): void {
    const found = this.found ?? [];
    for (let i = from; i < found.length; i++) {
      const w = found[i] as ReservedWarning;
      found[i] = { ...w, field: rename(w.field) };
    }
  }

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  fail(field: string, reason: DecodeReason, detail: string, at = this.offset): never {
    throw new WireDecodeError(this.layer, at, field, reason, detail);
  }

  private need(n: number, field: string): number {
    const at = this.offset;
    if (this.bytes.length - at < n) this.fail(field, 'truncated', `needs ${n} byte(s), ${this.bytes.length - at} left`);
    this.offset = at + n;
    return at;
  }

  u8(field: string): number {
    return this.bytes[this.need(1, field)] as number;
  }

  u16(field: string): number {
    return readU16(this.bytes, this.need(2, field));
  }

  u32(field: string): number {
    return readU32(this.bytes, this.need(4, field));
  }

  u64(field: string): bigint {
    return readU64(this.bytes, this.need(8, field));
  }

  /**
   * A copy of the next `n` bytes (decoded messages never alias the input buffer). Not
   * `bytes.slice()`: on a Node Buffer that returns a view of the same memory.
   */
  bytesOf(n: number, field: string): Uint8Array {
    const at = this.need(n, field);
    if (n > SHORT) return new Uint8Array(this.bytes.subarray(at, at + n));
    // Most fields are a few dozen bytes: copied by hand, with no view made to copy from.
    const copy = new Uint8Array(n);
    for (let i = 0; i < n; i++) copy[i] = this.bytes[at + i] as number;
    return copy;
  }

  /** Everything left in the buffer. */
  rest(): Uint8Array {
    return this.bytesOf(this.remaining, 'rest');
  }

  /** Records a non-zero reserved field, or rejects it in strict mode. */
  reserved(field: string, at: number, value: string): void {
    if (this.strict) this.fail(field, 'reserved', `reserved field holds ${value}`, at);
    (this.found ??= []).push({ layer: this.layer, offset: at, field, value });
  }

  /** Fails when bytes remain: every layout here knows exactly where it ends. */
  end(): void {
    if (this.remaining !== 0) this.fail('(end)', 'overlong', `${this.remaining} byte(s) after the last field`);
  }
}
