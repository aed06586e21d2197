import { WireDecodeError, WireEncodeError, joinPath } from './errors.js';
import { fromHex, hexNumber, toHex } from './hex.js';
import type { ByteReader } from './reader.js';
import type { ByteWriter } from './writer.js';

/** A JSON Schema fragment (draft-07, as ajv compiles it). */
export type JsonSchema = Record<string, unknown>;

/**
 * One wire layout, declared once. The same declaration reads and writes bytes, renders the
 * JSON view the CLI prints, reads that view back, and publishes the JSON Schema ajv checks
 * the view against before `fromJson` runs.
 */
export interface Codec<T> {
  read(r: ByteReader, field: string): T;
  write(w: ByteWriter, v: T, field: string): void;
  toJson(v: T): unknown;
  /** Converts an already schema-valid JSON value. */
  fromJson(j: unknown): T;
  readonly schema: JsonSchema;
  /** Reserved: non-zero values are flagged on decode and omitted from the typed value when zero. */
  readonly reserved?: boolean;
  /** What a reserved field is written as when the typed value leaves it out. */
  readonly zero?: T;
  /** Optional: absent from the typed value when the bytes are absent. */
  readonly optional?: boolean;
  /**
   * Spread: the value is an object whose keys join the enclosing struct's (for layouts whose
   * length field is separated from what it counts). Its schema is an object schema.
   */
  readonly spread?: boolean;
}

export interface SpreadCodec<T extends object> extends Codec<T> {
  readonly spread: true;
}

export type ValueOf<C> = C extends Codec<infer T> ? T : never;

type Width = 1 | 2 | 4;
const MAX: Record<Width, number> = { 1: 0xff, 2: 0xffff, 4: 0xffffffff };

function uintSchema(max: number | bigint, digits: number): JsonSchema {
  return {
    anyOf: [
      { type: 'integer', minimum: 0, maximum: typeof max === 'bigint' ? Number(max) : max },
      { type: 'string', pattern: `^0[xX][0-9a-fA-F]{1,${digits}}$` },
    ],
  };
}

function parseUint(j: unknown): bigint {
  return typeof j === 'string' ? BigInt(j) : BigInt(j as number);
}

function checkUint(v: number, max: number, field: string): void {
  if (!Number.isInteger(v) || v < 0 || v > max) throw new WireEncodeError(field, `${String(v)} does not fit 0..${hexNumber(max)}`);
}

/**
 * An unsigned little-endian integer of 1, 2 or 4 bytes. `json: 'hex'` (the default) renders
 * it as hex padded to the field's width, as register dumps do; `'dec'` suits counts.
 */
export function uint(width: Width, json: 'hex' | 'dec' = 'hex'): Codec<number> {
  const max = MAX[width];
  const digits = width * 2;
  const read = width === 1 ? (r: ByteReader, f: string) => r.u8(f) : width === 2 ? (r: ByteReader, f: string) => r.u16(f) : (r: ByteReader, f: string) => r.u32(f);
  return {
    read,
    write(w, v, field) {
      checkUint(v, max, field);
      if (width === 1) w.u8(v);
      else if (width === 2) w.u16(v);
      else w.u32(v);
    },
    toJson: (v) => (json === 'hex' ? hexNumber(v, digits) : v),
    fromJson: (j) => Number(parseUint(j)),
    schema: uintSchema(max, digits),
  };
}

export const u8 = uint(1);
export const u16 = uint(2);
export const u32 = uint(4);
export const u8dec = uint(1, 'dec');
export const u16dec = uint(2, 'dec');
export const u32dec = uint(4, 'dec');

const U64_MAX = 0xffff_ffff_ffff_ffffn;

/** An unsigned little-endian 64-bit integer; JSON renders it as unpadded hex (an address). */
export const u64: Codec<bigint> = {
  read: (r, f) => r.u64(f),
  write(w, v, field) {
    if (typeof v !== 'bigint' || v < 0n || v > U64_MAX) throw new WireEncodeError(field, `${String(v)} does not fit in 64 bits`);
    w.u64(v);
  },
  toJson: (v) => hexNumber(v),
  fromJson: (j) => parseUint(j),
  schema: { type: 'string', pattern: '^0[xX][0-9a-fA-F]{1,16}$' },
};

function bytesSchema(n?: number): JsonSchema {
  return n === undefined ? { type: 'string', pattern: '^([0-9a-fA-F]{2})*$' } : { type: 'string', pattern: `^[0-9a-fA-F]{${2 * n}}$` };
}

/** Exactly `n` opaque bytes (a nonce, a key). */
export function fixedBytes(n: number): Codec<Uint8Array> {
  return {
    read: (r, f) => r.bytesOf(n, f),
    write(w, v, field) {
      if (v.length !== n) throw new WireEncodeError(field, `needs ${n} bytes, has ${v.length}`);
      w.bytes(v);
    },
    toJson: (v) => toHex(v),
    fromJson: (j) => fromHex(j as string),
    schema: bytesSchema(n),
  };
}

/** Every byte left in the message. */
export const restBytes: Codec<Uint8Array> = {
  read: (r, f) => r.bytesOf(r.remaining, f),
  write: (w, v) => w.bytes(v),
  toJson: (v) => toHex(v),
  fromJson: (j) => fromHex(j as string),
  schema: bytesSchema(),
};

/**
 * Checks a count just read at `at` before anything is read or allocated for it: the items must
 * fit in what is left of the buffer (else the count disagrees with the bytes present), and the
 * count must be one `write` accepts (else the decoded value could not be encoded back).
 */
function checkCount(r: ByteReader, n: number, bytesPerItem: number, max: number, field: string, at: number): void {
  if (n * bytesPerItem > r.remaining) r.fail(field, 'length-mismatch', `${n} item(s) of ${bytesPerItem} byte(s) exceed the ${r.remaining} byte(s) left`, at);
  if (n > max) r.fail(field, 'invalid-value', `${n} exceeds the layout's maximum of ${max}`, at);
}

/** Bytes preceded by their count, held in `count` (u8, u16 or u32). */
export function countedBytes(count: Codec<number>, max: number): Codec<Uint8Array> {
  return {
    read(r, f) {
      const at = r.offset;
      const n = countOf(r, count, f, 'Length');
      checkCount(r, n, 1, max, `${f}Length`, at);
      return r.bytesOf(n, f);
    },
    write(w, v, field) {
      if (v.length > max) throw new WireEncodeError(field, `${v.length} bytes exceed ${max}`);
      count.write(w, v.length, `${field}Length`);
      w.bytes(v);
    },
    toJson: (v) => toHex(v),
    fromJson: (j) => fromHex(j as string),
    schema: bytesSchema(),
  };
}

/** An array preceded by its element count; each item takes at least `itemSize` bytes. */
export function countedArray<T>(count: Codec<number>, max: number, item: Codec<T>, itemSize = 1): Codec<T[]> {
  return {
    read(r, f) {
      const at = r.offset;
      const n = countOf(r, count, f, 'Count');
      // Reject a count the buffer cannot hold before allocating for it.
      checkCount(r, n, itemSize, max, `${f}Count`, at);
      const out: T[] = new Array<T>(n);
      for (let i = 0; i < n; i++) out[i] = inside(r, `${f}[${i}]`, () => item.read(r, ''));
      return out;
    },
    write(w, v, field) {
      if (v.length > max) throw new WireEncodeError(field, `${v.length} entries exceed ${max}`);
      count.write(w, v.length, `${field}Count`);
      v.forEach((x, i) => insideWrite(`${field}[${i}]`, () => item.write(w, x, '')));
    },
    toJson: (v) => v.map((x) => item.toJson(x)),
    fromJson: (j) => (j as unknown[]).map((x) => item.fromJson(x)),
    schema: { type: 'array', maxItems: max, items: item.schema },
  };
}

/**
 * An integer holding a code from `table`. The typed value stays numeric (unknown codes survive
 * a round trip); the JSON view shows the spec name where the code has one.
 */
export function enumOf(base: Codec<number>, table: Readonly<Record<string, number>>): Codec<number> {
  const names = new Map(Object.entries(table).map(([k, v]) => [v, k]));
  return {
    read: base.read,
    write: base.write,
    toJson: (v) => names.get(v) ?? base.toJson(v),
    fromJson: (j) => (typeof j === 'string' && j in table ? (table[j] as number) : base.fromJson(j)),
    schema: { anyOf: [{ enum: Object.keys(table) }, base.schema] },
  };
}

type FieldReader = Codec<unknown>['read'];

/**
 * A reader specialised to one struct: straight-line code with literal property names, so every
 * decoded struct of a kind gets one hidden class and each store is monomorphic. A shared loop
 * over `entries` storing `out[key]` ran about 40% slower on the report decode benchmark.
 */
function compileReader<T>(entries: readonly (readonly [string, Codec<unknown>])[]): (r: ByteReader) => T {
  const lines = entries.map(([k, c], i) => {
    if (!/^[A-Za-z_$][\w$]*$/.test(k)) throw new Error(`struct field '${k}' is not an identifier`);
    const read = `reads[${i}](r, ${JSON.stringify(k)})`;
    if (c.spread) return `Object.assign(o, ${read});`;
    if (c.reserved) return `v = ${read}; if (!isZero(v)) o.${k} = v;`;
    if (c.optional) return `v = ${read}; if (v !== undefined) o.${k} = v;`;
    return `o.${k} = ${read};`;
  });
  const body = `return function readStruct(r) { const o = {}; let v; ${lines.join(' ')} return o; };`;
  const make = new Function('reads', 'isZero', body) as (reads: FieldReader[], zero: typeof isZero) => (r: ByteReader) => T;
  return make(
    entries.map(([, c]) => c.read),
    isZero,
  );
}

type FieldWriter = Codec<unknown>['write'];

/**
 * The writer of one struct, straight-line like its reader: a loop over `entries` that
 * destructured each pair and branched on the codec's kind cost a third of an encode. A field
 * left undefined is written as its zero when reserved, skipped when optional, else missing.
 */
function compileWriter(entries: readonly (readonly [string, Codec<unknown>])[]): (w: ByteWriter, rec: Record<string, unknown>) => void {
  const lines = entries.map(([k, c], i) => {
    const name = JSON.stringify(k);
    if (c.spread) return `writes[${i}](w, rec, ${name});`;
    const absent = c.reserved ? `writes[${i}](w, zeros[${i}], ${name});` : c.optional ? '' : `throw missing(${name});`;
    return `x = rec.${k}; if (x === undefined) { ${absent} } else writes[${i}](w, x, ${name});`;
  });
  const body = `return function writeStruct(w, rec) { let x; ${lines.join(' ')} };`;
  const make = new Function('writes', 'zeros', 'missing', body) as (writes: FieldWriter[], zeros: unknown[], missing: (k: string) => Error) => (w: ByteWriter, rec: Record<string, unknown>) => void;
  return make(
    entries.map(([, c]) => c.write.bind(c)),
    entries.map(([, c]) => c.zero),
    (k) => new WireEncodeError(k, 'missing'),
  );
}

/** Reads the count field that precedes `f`; a failure names it `f` + `suffix`. */
function countOf(r: ByteReader, count: Codec<number>, f: string, suffix: string): number {
  try {
    return count.read(r, f);
  } catch (e) {
    throw e instanceof WireDecodeError ? new WireDecodeError(e.layer, e.offset, `${f}${suffix}`, e.reason, e.detail) : e;
  }
}

/**
 * Runs a nested read; on failure the error's field, and any reserved-field warnings it raised,
 * are put under `prefix`. Nothing is built on success.
 */
function inside<T>(r: ByteReader, prefix: string, read: () => T): T {
  const warned = r.warnings.length;
  let v: T;
  try {
    v = read();
  } catch (e) {
    throw e instanceof WireDecodeError ? e.within(prefix) : e;
  }
  if (r.warnings.length > warned) r.renameWarnings(warned, (field) => joinPath(prefix, field));
  return v;
}

function insideWrite(prefix: string, write: () => void): void {
  try {
    write();
  } catch (e) {
    throw e instanceof WireEncodeError ? e.within(prefix) : e;
  }
}

function isZero(v: unknown): boolean {
  if (typeof v === 'number' || typeof v === 'bigint') return v == 0;
  if (v instanceof Uint8Array) return v.every((b) => b === 0);
  return false;
}

/**
 * A reserved field. Decoding keeps a non-zero value (so re-encoding reproduces the bytes)
 * and records a warning, or fails in strict mode; a zero value is left out of the message.
 */
export function reserved<T extends number | bigint | Uint8Array>(inner: Codec<T>, zero: T): Codec<T> & { readonly reserved: true } {
  return {
    ...inner,
    zero,
    read(r, f) {
      const at = r.offset;
      const v = inner.read(r, f);
      if (!isZero(v)) r.reserved(f, at, JSON.stringify(inner.toJson(v)));
      return v;
    },
    reserved: true,
  };
}

/**
 * An integer whose bits from `firstReserved` up are reserved (a flags word). The value is kept
 * whole, so re-encoding reproduces the bytes; non-zero reserved bits are flagged (shifted down,
 * as the spec numbers them) or rejected in strict mode, like a reserved field.
 */
export function reservedBits(inner: Codec<number>, firstReserved: number): Codec<number> {
  return {
    ...inner,
    read(r, f) {
      const at = r.offset;
      const v = inner.read(r, f);
      const high = v >>> firstReserved;
      if (high !== 0) r.reserved(f, at, hexNumber(high));
      return v;
    },
  };
}

/** A trailing structure that may be absent (the message ends before it). */
export function optional<T>(inner: Codec<T>): Codec<T | undefined> & { readonly optional: true } {
  return {
    read: (r, f) => (r.remaining === 0 ? undefined : inner.read(r, f)),
    write: (w, v, f) => {
      if (v !== undefined) inner.write(w, v, f);
    },
    toJson: (v) => (v === undefined ? undefined : inner.toJson(v)),
    fromJson: (j) => (j === undefined ? undefined : inner.fromJson(j)),
    schema: inner.schema,
    optional: true,
  };
}

export type Fields = Record<string, Codec<never> | Codec<unknown>>;
type OptionalKeys<F> = { [K in keyof F]: F[K] extends { reserved: true } | { optional: true } ? K : never }[keyof F];
type SpreadKeys<F> = { [K in keyof F]: F[K] extends { spread: true } ? K : never }[keyof F];
type Simplify<T> = { [K in keyof T]: T[K] } & {};
type Spread<F> = [SpreadKeys<F>] extends [never] ? unknown : ValueOf<F[SpreadKeys<F>]>;
export type StructValue<F extends object> = Simplify<
  { [K in Exclude<keyof F, OptionalKeys<F> | SpreadKeys<F>>]: ValueOf<F[K]> } & { [K in OptionalKeys<F>]?: Exclude<ValueOf<F[K]>, undefined> } & Spread<F>
>;

/** Fields laid out one after another in declaration order. */
export function struct<F extends Fields>(fields: F): Codec<StructValue<F>> {
  const entries = Object.entries(fields) as [string, Codec<unknown>][];
  const readFields = compileReader<StructValue<F>>(entries);
  const writeFields = compileWriter(entries);
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  for (const [k, c] of entries) {
    if (c.spread) {
      Object.assign(properties, c.schema['properties']);
      required.push(...(c.schema['required'] as string[]));
    } else {
      properties[k] = c.schema;
      if (!c.reserved && !c.optional) required.push(k);
    }
  }
  return {
    read(r, field) {
      return field === '' ? readFields(r) : inside(r, field, () => readFields(r));
    },
    write(w, v, field) {
      if (field === '') writeFields(w, v as Record<string, unknown>);
      else insideWrite(field, () => writeFields(w, v as Record<string, unknown>));
    },
    toJson(v) {
      const rec = v as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [k, c] of entries) {
        if (c.spread) Object.assign(out, c.toJson(rec));
        else if (rec[k] !== undefined) out[k] = c.toJson(rec[k]);
      }
      return out;
    },
    fromJson(j) {
      const rec = j as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [k, c] of entries) {
        if (c.spread) Object.assign(out, c.fromJson(rec));
        else if (rec[k] !== undefined) out[k] = c.fromJson(rec[k]);
      }
      return out as StructValue<F>;
    },
    schema: { type: 'object', properties, required, additionalProperties: false },
  };
}

export const reservedU8 = reserved(u8, 0);
export const reservedU16 = reserved(u16, 0);
export const reservedU32 = reserved(u32, 0);
export const reservedU64 = reserved(u64, 0n);
