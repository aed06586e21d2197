import { type Codec, type Fields, type JsonSchema, struct } from './codec.js';
import { type ReservedWarning, type WireLayer } from './errors.js';
import { hexNumber } from './hex.js';
import { ByteReader, type DecodeOptions } from './reader.js';
import { ByteWriter } from './writer.js';

/** A decoded message and the reserved fields it carried non-zero. */
export interface Decoded<M> {
  readonly message: M;
  readonly warnings: readonly ReservedWarning[];
}

export interface Variant {
  /** The value of the tag byte that selects this variant. */
  readonly code: number;
  readonly codec: Codec<never> | Codec<unknown>;
}

/**
 * One variant per code of `codes`, each laid out as the fields `layout` gives it; the fields
 * include the tag. This is how every layer declares its message set.
 */
export function variantsOf<N extends string>(codes: Readonly<Record<N, number>>, layout: (name: N, code: number) => Fields): Record<string, Variant> {
  return Object.fromEntries((Object.keys(codes) as N[]).map((name) => [name, { code: codes[name], codec: struct(layout(name, codes[name])) }]));
}

/**
 * All messages of one wire layer: variants that share a tag byte at a fixed offset and are
 * otherwise laid out independently. Every variant's codec starts at byte 0 and reads its own
 * tag, so a variant is one self-contained declaration.
 */
export class MessageSet<M extends Record<K, string>, K extends string> {
  private readonly byCode = new Map<number, Codec<unknown>>();
  private readonly byName = new Map<string, Codec<unknown>>();
  readonly schema: JsonSchema;

  constructor(
    readonly layer: WireLayer,
    /** The name of the discriminating field in the typed message. */
    readonly tagField: K,
    /** Where the tag byte sits. */
    readonly tagOffset: number,
    variants: Readonly<Record<string, Variant>>,
  ) {
    for (const [name, v] of Object.entries(variants)) {
      this.byCode.set(v.code, v.codec as Codec<unknown>);
      this.byName.set(name, v.codec as Codec<unknown>);
    }
    this.schema = {
      type: 'object',
      required: [tagField],
      properties: { [tagField]: { enum: [...this.byName.keys()] } },
      discriminator: { propertyName: tagField },
      oneOf: [...this.byName.values()].map((c) => c.schema),
    };
  }

  get names(): string[] {
    return [...this.byName.keys()];
  }

  decode(bytes: Uint8Array, options?: DecodeOptions): Decoded<M> {
    const r = new ByteReader(bytes, this.layer, options);
    if (bytes.length <= this.tagOffset) r.fail(this.tagField, 'truncated', `${bytes.length} byte(s) end before the tag at byte ${this.tagOffset}`, bytes.length);
    const code = bytes[this.tagOffset] as number;
    const codec = this.byCode.get(code) ?? r.fail(this.tagField, 'unknown-type', `${hexNumber(code, 2)} is not a ${this.layer} message type`, this.tagOffset);
    const message = codec.read(r, '') as M;
    r.end();
    return { message, warnings: r.warnings };
  }

  encode(message: M): Uint8Array {
    const codec = this.codecOf(message);
    return ByteWriter.encode((w) => codec.write(w, message, ''));
  }

  toJson(message: M): unknown {
    return this.codecOf(message).toJson(message);
  }

  /** Converts a JSON view that already passed `schema`. */
  fromJson(json: Record<K, string>): M {
    return this.codecOf(json).fromJson(json) as M;
  }

  private codecOf(m: Record<K, string>): Codec<unknown> {
    const name = m[this.tagField];
    const c = this.byName.get(name);
    if (!c) throw new RangeError(`${this.layer}: no message named ${String(name)}`);
    return c;
  }
}
