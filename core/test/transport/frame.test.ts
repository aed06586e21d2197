import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SpdmEmuCommand, SpdmEmuError, SpdmEmuFrameReader, type SpdmEmuFrame, doeFrame, encodeSpdmEmuFrame, toHex } from '../../src/index.js';

const frameArb: fc.Arbitrary<SpdmEmuFrame> = fc.record({
  command: fc.nat({ max: 0xffffffff }),
  transportType: fc.nat({ max: 0xffffffff }),
  payload: fc.uint8Array({ maxLength: 300 }),
});

/** Cuts `bytes` at the given (sorted, deduplicated) offsets, as TCP may deliver it. */
function chunked(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  return [...at, bytes.length].map((end, i) => bytes.subarray(i === 0 ? 0 : at[i - 1], end));
}

describe('spdm-emu frame codec', () => {
  it('writes command, transport_type and payload size big-endian before the payload', () => {
    const bytes = encodeSpdmEmuFrame(doeFrame(SpdmEmuCommand.DECAP_TDISP, Uint8Array.of(0x10, 0x85)));
    expect(toHex(bytes)).toBe('00000002' + '00000002' + '00000002' + '1085');
  });

  it('round-trips any frame through encode and the reader', () => {
    fc.assert(
      fc.property(frameArb, (frame) => {
        expect(new SpdmEmuFrameReader().push(encodeSpdmEmuFrame(frame))).toEqual([frame]);
      }),
    );
  });

  it('reassembles frames split across chunks and separates frames coalesced into one', () => {
    fc.assert(
      fc.property(fc.array(frameArb, { maxLength: 5 }), fc.array(fc.nat(), { maxLength: 12 }), (frames, cuts) => {
        const stream = Uint8Array.from(frames.flatMap((f) => [...encodeSpdmEmuFrame(f)]));
        const reader = new SpdmEmuFrameReader();
        const got = chunked(stream, cuts).flatMap((chunk) => reader.push(chunk));
        expect(got).toEqual(frames);
        expect(reader.partial()).toBeUndefined();
      }),
    );
  });

  it('describes an incomplete frame by header or payload bytes', () => {
    const reader = new SpdmEmuFrameReader();
    const bytes = encodeSpdmEmuFrame(doeFrame(SpdmEmuCommand.NORMAL, new Uint8Array(17)));
    expect(reader.push(bytes.subarray(0, 5))).toEqual([]);
    expect(reader.partial()).toBe('5 of 12 header bytes');
    expect(reader.push(bytes.subarray(5, 22))).toEqual([]);
    expect(reader.partial()).toBe('10 of 17 payload bytes');
  });

  it('rejects an oversized payload size as soon as the header is complete, without the payload', () => {
    const reader = new SpdmEmuFrameReader(0x100);
    const header = Uint8Array.from([0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0x01, 0x01]);
    expect(reader.push(header.subarray(0, 11))).toEqual([]);
    let thrown: unknown;
    try {
      reader.push(header.subarray(11));
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(SpdmEmuError);
    expect((thrown as SpdmEmuError).kind).toBe('oversized');
    expect((thrown as SpdmEmuError).message).toBe('spdm-emu frame: payload size 0x101 exceeds the 0x100-byte limit');
  });

  it('accepts a payload of exactly the limit', () => {
    const frame = doeFrame(SpdmEmuCommand.NORMAL, new Uint8Array(0x100));
    expect(new SpdmEmuFrameReader(0x100).push(encodeSpdmEmuFrame(frame))).toEqual([frame]);
  });

  it('refuses to encode a command that is not a u32', () => {
    expect(() => encodeSpdmEmuFrame({ command: 0x1_0000_0000, transportType: 2, payload: new Uint8Array(0) })).toThrow(/command 4294967296 is not a u32/);
  });
});
