import { SpdmEmuError } from './errors.js';
import { DEFAULT_MAX_PAYLOAD, FRAME_HEADER_SIZE, type SpdmEmuFrame } from './frame.js';

/**
 * Cuts a TCP byte stream into spdm-emu frames. TCP keeps no message boundaries: a frame may
 * arrive split over several chunks, and several frames may arrive in one.
 */
export class SpdmEmuFrameReader {
  private buffer: Uint8Array = new Uint8Array(0);

  constructor(private readonly maxPayload = DEFAULT_MAX_PAYLOAD) {}

  /**
   * Adds a chunk and returns the frames it completes, in order. Throws SpdmEmuError
   * (`oversized`) as soon as a header announces more than the maximum payload, without
   * waiting for (or allocating) the payload.
   */
  push(chunk: Uint8Array): SpdmEmuFrame[] {
    this.buffer = this.buffer.length === 0 ? chunk : concat(this.buffer, chunk);
    const frames: SpdmEmuFrame[] = [];
    for (;;) {
      const size = this.announcedSize();
      if (size === undefined) return frames;
      if (size > this.maxPayload) {
        throw new SpdmEmuError('oversized', 'frame', `payload size ${hex(size)} exceeds the ${hex(this.maxPayload)}-byte limit`);
      }
      if (this.buffer.length < FRAME_HEADER_SIZE + size) return frames;
      frames.push(this.take(size));
    }
  }

  /** What an incomplete frame has so far (`5 of 12 header bytes`), or undefined between frames. */
  partial(): string | undefined {
    const have = this.buffer.length;
    if (have === 0) return undefined;
    const size = this.announcedSize();
    if (size === undefined) return `${have} of ${FRAME_HEADER_SIZE} header bytes`;
    return `${have - FRAME_HEADER_SIZE} of ${size} payload bytes`;
  }

  /** The payload size the header announces, once the header is complete. */
  private announcedSize(): number | undefined {
    return this.buffer.length < FRAME_HEADER_SIZE ? undefined : view(this.buffer).getUint32(8);
  }

  private take(size: number): SpdmEmuFrame {
    const v = view(this.buffer);
    const end = FRAME_HEADER_SIZE + size;
    // A plain copy: socket chunks are Buffers, whose slice() aliases a shared pool.
    const frame = { command: v.getUint32(0), transportType: v.getUint32(4), payload: new Uint8Array(this.buffer.subarray(FRAME_HEADER_SIZE, end)) };
    this.buffer = this.buffer.subarray(end);
    return frame;
  }
}

function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function hex(n: number): string {
  return `0x${n.toString(16)}`;
}
