/**
 * Codec bugs found while proving the wire layer, each pinned by the input that exposed it.
 * (Others are pinned where their requirement is tested: counted fields that overrun the buffer,
 * the SPDM 1.4 LargeReq gate, PCI-SIG-only stacking and flagged reserved bits in malformed.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { decodeDeviceInterfaceReport, encodeDeviceInterfaceReport, spdm, tdisp } from '../../src/wire/index.js';
import { expectDecodeError, ref } from './helpers.js';

function le32(v: number): Uint8Array {
  return Uint8Array.of(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24);
}

describe('decode accepts only what encode can write back', () => {
  // Failing input: a report whose mmio_range_count is 0x1000 (one over the codec's 0xfff) with
  // all 4096 ranges present decoded, and then encodeDeviceInterfaceReport threw WireEncodeError.
  it('a report with more MMIO ranges than the layout allows → invalid-value at the count (byte 12)', () => {
    const n = 0x1000;
    const b = new Uint8Array(16 + 16 * n + 4);
    b.set(le32(n), 12);
    expectDecodeError(() => decodeDeviceInterfaceReport(b), { layer: 'report', reason: 'invalid-value', offset: 12, field: 'mmioRangesCount' });
  });

  it('the largest report the layout allows decodes and re-encodes', () => {
    const n = 0xfff;
    const b = new Uint8Array(16 + 16 * n + 4 + 0xffff);
    b.set(le32(n), 12);
    b.set(le32(0xffff), 16 + 16 * n);
    const d = decodeDeviceInterfaceReport(b).message;
    expect(d.mmioRanges).toHaveLength(n);
    expect(Buffer.from(encodeDeviceInterfaceReport(d)).equals(b)).toBe(true);
  });

  // Failing input: device_specific_info_len 0x10000 with the bytes present.
  it('device-specific info longer than the layout allows → invalid-value at its length (byte 16)', () => {
    const b = new Uint8Array(20 + 0x10000);
    b.set(le32(0x10000), 16);
    expectDecodeError(() => decodeDeviceInterfaceReport(b), { layer: 'report', reason: 'invalid-value', offset: 16, field: 'deviceSpecificInfoLength' });
  });
});

describe('decoded messages never alias the input buffer', () => {
  // Failing input: a Node Buffer. ByteReader.bytesOf used `bytes.slice()`, which for a Buffer is
  // a view, so the decoded nonce changed when the caller reused its receive buffer.
  it('a LOCK_INTERFACE_RESPONSE decoded from a Buffer keeps its nonce after the Buffer is overwritten', () => {
    const nonce = ref('877687c8535da8a91fd4413b927f98b70628991c1ee25da05e963934b244bd86');
    const input = Buffer.from([...ref('10 03 00 00 EF BE 00 00 00×8'), ...nonce]);
    const m = tdisp.decode(input).message;
    input.fill(0);
    expect(m).toMatchObject({ startInterfaceNonce: nonce });
  });

  it('the same for an SPDM payload', () => {
    const input = Buffer.from(ref('12 FE 00 00 03 00 02 01 00 | 03 00 | 01 AA BB'));
    const m = spdm.decode(input).message;
    input.fill(0);
    expect(m).toMatchObject({ vendorId: Uint8Array.of(1, 0), payload: Uint8Array.of(0xaa, 0xbb) });
  });
});
