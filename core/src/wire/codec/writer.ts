/**
 * The longest typed array V8 keeps on its own heap (typed_array_max_size_in_heap): a longer one
 * gets an ArrayBuffer of its own, some 30 times the cost of a short one (measured, Node 20).
 */
export const V8_HEAP_BYTES = 64;

const SLAB_SIZE = 64 * 1024;
const SLAB_MAX_PIECE = 4096;
let slab = new ArrayBuffer(SLAB_SIZE);
let slabUsed = 0;

/**
 * `n` zeroed bytes. Small pieces are views into a shared 64 KiB slab, as Node's Buffer pool
 * does: one ArrayBuffer allocation per message cost as much as encoding it. A piece keeps its
 * slab alive, and `.buffer` is the slab, so readers must honour `byteOffset` (ByteReader does).
 */
export function allocBytes(n: number): Uint8Array {
  if (n > SLAB_MAX_PIECE) return new Uint8Array(n);
  if (slabUsed + n > SLAB_SIZE) {
    slab = new ArrayBuffer(SLAB_SIZE);
    slabUsed = 0;
  }
  const piece = new Uint8Array(slab, slabUsed, n);
  slabUsed += (n + 7) & ~7;
  return piece;
}

/** A growable little-endian byte sink. */
export class ByteWriter {
  private buf: Uint8Array;
  private view: DataView;
  private len = 0;

  constructor(capacity = 64) {
    this.buf = new Uint8Array(capacity);
    this.view = new DataView(this.buf.buffer);
  }

  get length(): number {
    return this.len;
  }

  /** Claims `n` bytes; may replace `buf` and `view`, so callers read them only afterwards. */
  private reserve(n: number): number {
    const at = this.len;
    if (at + n > this.buf.length) {
      const next = new Uint8Array(Math.max(this.buf.length * 2, at + n));
      next.set(this.buf.subarray(0, at));
      this.buf = next;
      this.view = new DataView(next.buffer);
    }
    this.len = at + n;
    return at;
  }

  u8(v: number): void {
    const at = this.reserve(1);
    this.view.setUint8(at, v);
  }

  u16(v: number): void {
    const at = this.reserve(2);
    this.view.setUint16(at, v, true);
  }

  u32(v: number): void {
    const at = this.reserve(4);
    this.view.setUint32(at, v, true);
  }

  u64(v: bigint): void {
    const at = this.reserve(8);
    this.view.setBigUint64(at, v, true);
  }

  bytes(v: Uint8Array): void {
    const at = this.reserve(v.length);
    this.buf.set(v, at);
  }

  /** Overwrites a u16 written earlier (for length fields known only after the body). */
  patchU16(at: number, v: number): void {
    this.view.setUint16(at, v, true);
  }

  patchU32(at: number, v: number): void {
    this.view.setUint32(at, v, true);
  }

  toBytes(): Uint8Array {
    const out = allocBytes(this.len);
    // Messages are short: a loop copies them without making a view of the buffer first.
    for (let i = 0; i < this.len; i++) out[i] = this.buf[i] as number;
    return out;
  }

  private reset(): void {
    this.len = 0;
  }

  private static scratch: ByteWriter | undefined = new ByteWriter(4096);

  /**
   * Runs `write` against a reused scratch writer and returns a copy of what it wrote.
   * Allocating a fresh ArrayBuffer and DataView per message cost more than encoding the message;
   * a nested call (the scratch is taken) gets a writer of its own.
   */
  static encode(write: (w: ByteWriter) => void): Uint8Array {
    const w = ByteWriter.scratch ?? new ByteWriter(256);
    ByteWriter.scratch = undefined;
    try {
      w.reset();
      write(w);
      return w.toBytes();
    } finally {
      if (w.buf.length <= 1 << 20) ByteWriter.scratch = w;
    }
  }
}
