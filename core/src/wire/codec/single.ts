import type { Codec } from './codec.js';
import type { WireLayer } from './errors.js';
import type { Decoded } from './message-set.js';
import { ByteReader, type DecodeOptions } from './reader.js';
import { ByteWriter } from './writer.js';

/** Decodes a buffer that holds exactly one `codec` value. */
export function decodeWith<T>(codec: Codec<T>, layer: WireLayer, bytes: Uint8Array, options?: DecodeOptions): Decoded<T> {
  const r = new ByteReader(bytes, layer, options);
  const message = codec.read(r, '');
  r.end();
  return { message, warnings: r.warnings };
}

export function encodeWith<T>(codec: Codec<T>, value: T): Uint8Array {
  return ByteWriter.encode((w) => codec.write(w, value, ''));
}
