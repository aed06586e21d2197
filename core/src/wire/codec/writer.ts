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
    return this.buf.slice(0, this.len);
  }
}
