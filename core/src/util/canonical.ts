import { hash } from 'node:crypto';

/**
 * Canonical JSON of plain data: object keys sorted, bigints as `"0x…n"`-free hex strings tagged
 * by type, byte arrays as hex, Maps and Sets as sorted entry lists, `undefined` members dropped.
 * Two values that mean the same state produce the same text, whatever order they were built in.
 */
export function canonicalJson(value: unknown): string {
  return new CanonicalWriter().value(value).text;
}

/** An array index as a property key: JavaScript lists such keys first, in numeric order. */
const isIndex = (k: string): boolean => k.charCodeAt(0) <= 57 && /^(?:0|[1-9]\d{0,9})$/.test(k) && Number(k) < 2 ** 32 - 1;

/**
 * Keys in the order JSON.stringify writes an object whose keys were added sorted: array-index
 * keys first, ascending (Object.keys lists them so already), then the rest sorted.
 */
function keyOrder(v: object): string[] {
  const keys = Object.keys(v);
  let indices = 0;
  while (indices < keys.length && isIndex(keys[indices] as string)) indices += 1;
  return indices === 0 ? sorted(keys) : [...keys.slice(0, indices), ...sorted(keys.slice(indices))];
}

/** Sorted in code unit order; most records are built in that order already, and checking is cheaper than sorting. */
function sorted(keys: string[]): string[] {
  for (let i = 1; i < keys.length; i++) if ((keys[i - 1] as string) > (keys[i] as string)) return keys.sort();
  return keys;
}

/** Keys are few and repeat in every record of a kind: quoted once each. */
const QUOTED = new Map<string, string>();
function quoted(k: string): string {
  let q = QUOTED.get(k);
  if (q === undefined) {
    q = JSON.stringify(k);
    if (QUOTED.size < 4096) QUOTED.set(k, q);
  }
  return q;
}

/**
 * Writes the canonical text of a value straight into one string: the same text as
 * JSON.stringify of a normalised copy, without building the copy or joining arrays of parts
 * (the explorer hashes a whole world per transition).
 */
class CanonicalWriter {
  text = '';

  value(v: unknown): this {
    switch (typeof v) {
      case 'string':
        this.text += JSON.stringify(v);
        return this;
      case 'boolean':
        this.text += v ? 'true' : 'false';
        return this;
      case 'number':
        if (!Number.isFinite(v)) throw new TypeError(`canonicalJson: ${v} has no canonical form`);
        this.text += JSON.stringify(v);
        return this;
      case 'bigint':
        this.text += `{"$bigint":"${v.toString(16)}"}`;
        return this;
      case 'object':
        if (v === null) this.text += 'null';
        else this.object(v);
        return this;
      default:
        throw new TypeError(`canonicalJson: cannot serialise a ${typeof v}`);
    }
  }

  private object(v: object): void {
    if (v instanceof Uint8Array) this.text += `{"$bytes":"${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}"}`;
    else if (Array.isArray(v)) this.list(v);
    // Entries sorted by their canonical text (code unit order, as JSON texts compare).
    else if (v instanceof Map) this.text += `{"$map":[${[...v].map(([k, x]) => `[${canonicalJson(k)},${canonicalJson(x)}]`).sort().join(',')}]}`;
    else if (v instanceof Set) this.text += `{"$set":[${[...v].map(canonicalJson).sort().join(',')}]}`;
    else this.record(v as Record<string, unknown>);
  }

  private list(v: readonly unknown[]): void {
    this.text += '[';
    for (let i = 0; i < v.length; i++) {
      if (i > 0) this.text += ',';
      this.value(v[i]);
    }
    this.text += ']';
  }

  private record(v: Record<string, unknown>): void {
    this.text += '{';
    let first = true;
    for (const k of keyOrder(v)) {
      const x = v[k];
      if (x === undefined) continue;
      this.text += first ? `${quoted(k)}:` : `,${quoted(k)}:`;
      first = false;
      this.value(x);
    }
    this.text += '}';
  }
}

/** SHA-256 (hex) of the canonical JSON of `value`. */
export function canonicalHash(value: unknown): string {
  return hash('sha256', canonicalJson(value));
}
