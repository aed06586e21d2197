import { createHash } from 'node:crypto';

/**
 * Canonical JSON of plain data: object keys sorted, bigints as `"0x…n"`-free hex strings tagged
 * by type, byte arrays as hex, Maps and Sets as sorted entry lists, `undefined` members dropped.
 * Two values that mean the same state produce the same text, whatever order they were built in.
 */
export function canonicalJson(value: unknown): string {
  return write(value);
}

/**
 * The canonical text of `v`, written directly: the same text as JSON.stringify of a normalised
 * copy, without building the copy (the explorer hashes a world per transition).
 */
function write(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(v)) throw new TypeError(`canonicalJson: ${v} has no canonical form`);
      return JSON.stringify(v);
    case 'bigint':
      return `{"$bigint":"${v.toString(16)}"}`;
    case 'object':
      return v === null ? 'null' : writeObject(v);
    default:
      throw new TypeError(`canonicalJson: cannot serialise a ${typeof v}`);
  }
}

/** An array index as a property key: JavaScript lists such keys first, in numeric order. */
const isIndex = (k: string): boolean => /^(?:0|[1-9]\d{0,9})$/.test(k) && Number(k) < 2 ** 32 - 1;

/**
 * Keys in the order JSON.stringify writes an object whose keys were added sorted: array-index
 * keys first, ascending (Object.keys lists them so already), then the rest sorted.
 */
function keyOrder(v: object): string[] {
  const keys = Object.keys(v);
  let indices = 0;
  while (indices < keys.length && isIndex(keys[indices] as string)) indices += 1;
  return indices === 0 ? keys.sort() : [...keys.slice(0, indices), ...keys.slice(indices).sort()];
}

function writeObject(v: object): string {
  if (v instanceof Uint8Array) return `{"$bytes":"${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}"}`;
  if (Array.isArray(v)) return `[${v.map(write).join(',')}]`;
  // Entries sorted by their canonical text (code unit order, as JSON texts compare).
  if (v instanceof Map) return `{"$map":[${[...v].map(([k, x]) => `[${write(k)},${write(x)}]`).sort().join(',')}]}`;
  if (v instanceof Set) return `{"$set":[${[...v].map(write).sort().join(',')}]}`;
  const fields: string[] = [];
  for (const k of keyOrder(v)) {
    const x = (v as Record<string, unknown>)[k];
    if (x !== undefined) fields.push(`${JSON.stringify(k)}:${write(x)}`);
  }
  return `{${fields.join(',')}}`;
}

/** SHA-256 (hex) of the canonical JSON of `value`. */
export function canonicalHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}
