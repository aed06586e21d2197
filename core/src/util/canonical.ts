import { hash } from 'node:crypto';

/**
 * Canonical JSON of plain data: object keys sorted, bigints as `"0x…n"`-free hex strings tagged
 * by type, byte arrays as hex, Maps and Sets as sorted entry lists, `undefined` members dropped.
 * Two values that mean the same state produce the same text, whatever order they were built in.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(normalise(value));
}

function normalise(v: unknown): unknown {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new TypeError(`canonicalJson: ${v} has no canonical form`);
    return v;
  }
  if (typeof v === 'bigint') return { $bigint: v.toString(16) };
  if (v instanceof Uint8Array) return { $bytes: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex') };
  if (Array.isArray(v)) return v.map(normalise);
  if (v instanceof Map) return { $map: [...v.entries()].map(([k, x]) => [normalise(k), normalise(x)]).sort(byJson) };
  if (v instanceof Set) return { $set: [...v].map(normalise).sort(byJson) };
  if (typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = normalise(x);
    }
    return out;
  }
  throw new TypeError(`canonicalJson: cannot serialise a ${typeof v}`);
}

function byJson(a: unknown, b: unknown): number {
  const x = JSON.stringify(a);
  const y = JSON.stringify(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** SHA-256 (hex) of the canonical JSON of `value`. */
export function canonicalHash(value: unknown): string {
  return hash('sha256', canonicalJson(value));
}
