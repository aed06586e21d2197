/**
 * Requirement 2: malformed input never throws anything but a WireDecodeError, and the error
 * names the right place. Properties check every strict prefix and trailing bytes of generated
 * messages of every layer against the reference's field tables (layout.ts); targeted tests pin
 * reason, offset and field for each class of malformed input with the reference's byte sequences.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type DecodedStack,
  decodeDeviceInterfaceReport,
  decodeDoe,
  decodeStack,
  encodeDoe,
  idekm,
  pciSigVendorMessage,
  spdm,
  spdmDataObject,
  tdisp,
} from '../../src/wire/index.js';
import { IDEKM_CODES, SPDM_CODES, TDISP_CODES, stack, tdispMessage, u8 } from './arbitraries.js';
import { LAYERS, decodeError, encodeStack, expectBytes, expectDecodeError, ref } from './helpers.js';
import { type Outcome, idekmLayout, overlongOutcome, prefixOutcome, tdispLayout } from './layout.js';

/** Checks `decode(bytes)` against `outcome`: the same error, or success that re-encodes to `bytes`. */
function check(decode: () => { message: unknown }, encode: (m: never) => Uint8Array, bytes: Uint8Array, outcome: Outcome, layer: string, base = 0): void {
  if (outcome.ok) {
    const d = decode();
    expect(encode(d.message as never), `re-encode of ${Buffer.from(bytes).toString('hex')}`).toStrictEqual(bytes);
  } else {
    const e = decodeError(decode);
    expect({ layer: e.layer, reason: e.reason, offset: e.offset, field: e.field }, `${e.message} for ${Buffer.from(bytes).toString('hex')}`).toEqual({
      layer,
      reason: outcome.reason,
      offset: outcome.offset + base,
      field: outcome.field,
    });
  }
}

describe('every strict prefix of a valid message (property, spec layout as oracle)', () => {
  for (const l of LAYERS) {
    it(l.name, () => {
      fc.assert(
        fc.property(l.arbitrary, (m) => {
          const bytes = l.encode(m);
          const lay = l.layout(m);
          for (let k = 0; k < bytes.length; k++) check(() => l.decode(bytes.subarray(0, k)), l.encode as never, bytes.slice(0, k), prefixOutcome(lay, k), l.layer);
        }),
        { numRuns: 150 },
      );
    });
  }

  it('inside the stack: a truncated TDISP / IDE_KM message in a well-formed VDM and DOE object, located in the outer buffer', () => {
    fc.assert(
      fc.property(stack, (s) => {
        const inner = s.tdisp ? { layer: 'tdisp', bytes: tdisp.encode(s.tdisp), layout: tdispLayout(s.tdisp) } : s.idekm ? { layer: 'idekm', bytes: idekm.encode(s.idekm), layout: idekmLayout(s.idekm) } : undefined;
        if (!inner || !('payload' in s.spdm)) return;
        for (let k = 0; k < inner.bytes.length; k++) {
          const vdm = spdm.encode({ ...s.spdm, payload: inner.bytes.slice(0, k) });
          const bytes = encodeDoe(spdmDataObject(vdm));
          const base = 8 + vdm.length - k;
          check(() => ({ message: decodeStack(bytes, 'doe') }), ((d: DecodedStack) => encodeStack(d)) as never, bytes, prefixOutcome(inner.layout, k), inner.layer, base);
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('trailing bytes after a valid message (property)', () => {
  for (const l of LAYERS) {
    it(l.name, () => {
      fc.assert(
        fc.property(l.arbitrary, fc.uint8Array({ minLength: 1, maxLength: 9 }), (m, extra) => {
          const valid = l.encode(m);
          const bytes = new Uint8Array([...valid, ...extra]);
          const outcome = overlongOutcome(l.layout(m), extra.length);
          if (outcome) check(() => l.decode(bytes), l.encode as never, bytes, outcome, l.layer);
          else {
            // The bytes join a field that runs to the end: whatever the result, it is a WireDecodeError or exact.
            try {
              expect(l.encode(l.decode(bytes).message)).toStrictEqual(bytes);
            } catch {
              expect(decodeError(() => l.decode(bytes)).layer).toBe(l.layer);
            }
          }
        }),
        { numRuns: 300 },
      );
    });
  }
});

/** The reference's derived byte sequences (tdisp-wire.md §8), function_id 0xbeef, SPDM 1.2. */
const LOCK = ref('10 83 00 00 EF BE 00 00 00×8 | 07 00 00 00 | 00 00 00 D0 00 00 00 00 | 00×8');
const GET_VERSION_VDM = ref('12 FE 00 00 03 00 02 01 00 11 00 01 | 10 81 00 00 EF BE 00 00 00 00 00 00 00 00 00 00');
const TDISP_VERSION_VDM = ref('12 7E 00 00 03 00 02 01 00 13 00 01 | 10 01 00 00 EF BE 00 00 00×8 | 01 10');
const QUERY_VDM = ref('12 FE 00 00 03 00 02 01 00 04 00 00 | 00 00 01');
const KEY_PROG = new Uint8Array([...ref('02 00 00 00 00 00 01'), ...new Uint8Array(40).fill(0xa5)]);
/** The fixture's first report response (portion 0x40 of the 100-byte sample report). */
const REPORT_RSP = ref(
  '10040000efbe000000000000000000004000240003000000000000000000000004000000000000000000000001000000040001000080000000000000040000000800020000000100000000000800000008000300',
);
/** The sample report of spdm-emu, reassembled (100 bytes). */
const SAMPLE_REPORT = ref(
  '0300 0000 0000 0000 00000000 04000000' +
    '0000000000000000 01000000 0400 0100' +
    '0080000000000000 04000000 0800 0200' +
    '0000010000000000 08000000 0800 0300' +
    '0000020000000000 08000000 0800 0400' +
    '10000000 74646973705f6465765f656d75000000',
);

function withByte(b: Uint8Array, at: number, v: number): Uint8Array {
  const out = b.slice();
  out[at] = v;
  return out;
}
const cat = (...parts: Uint8Array[]) => new Uint8Array(parts.flatMap((p) => [...p]));
const le16 = (v: number) => Uint8Array.of(v & 0xff, v >> 8);
const le32 = (v: number) => Uint8Array.of(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24);

describe('truncated: the field the buffer ends in, at its start offset', () => {
  it.each([
    [36 - 1, 28, 'bindP2pAddressMask'],
    [27, 20, 'mmioReportingOffset'],
    [19, 19, 'bodyReserved'],
    [17, 16, 'flags'],
    [16, 16, 'flags'],
    [12, 8, 'interfaceId.reserved'],
    [6, 4, 'interfaceId.functionId'],
    [3, 2, 'reserved'],
    [1, 1, 'messageType'],
    [0, 0, 'messageType'],
  ])('LOCK_INTERFACE_REQUEST cut to %i bytes → byte %i (%s)', (k, offset, field) => {
    expectDecodeError(() => tdisp.decode(LOCK.subarray(0, k)), { layer: 'tdisp', reason: 'truncated', offset, field });
  });

  it('IDE_KM KEY_PROG missing its last byte → the IFV at 39; QUERY of 2 bytes → port_index at 2', () => {
    expectDecodeError(() => idekm.decode(KEY_PROG.subarray(0, 46)), { layer: 'idekm', reason: 'truncated', offset: 39, field: 'ifv' });
    expectDecodeError(() => idekm.decode(QUERY_VDM.subarray(12, 14)), { layer: 'idekm', reason: 'truncated', offset: 2, field: 'portIndex' });
    expectDecodeError(() => idekm.decode(new Uint8Array(0)), { layer: 'idekm', reason: 'truncated', offset: 0, field: 'objectId' });
  });

  it('SPDM: inside payload_length, and before the code byte', () => {
    expectDecodeError(() => spdm.decode(GET_VERSION_VDM.subarray(0, 10)), { layer: 'spdm', reason: 'truncated', offset: 9, field: 'payloadLength' });
    expectDecodeError(() => spdm.decode(GET_VERSION_VDM.subarray(0, 5)), { layer: 'spdm', reason: 'truncated', offset: 4, field: 'standardId' });
    expectDecodeError(() => spdm.decode(GET_VERSION_VDM.subarray(0, 1)), { layer: 'spdm', reason: 'truncated', offset: 1, field: 'code' });
  });

  it('DOE header cut inside the length DW; report cut inside the range count', () => {
    expectDecodeError(() => decodeDoe(ref('01 00 01 00 09 00 00')), { layer: 'doe', reason: 'truncated', offset: 4, field: 'length' });
    expectDecodeError(() => decodeDeviceInterfaceReport(SAMPLE_REPORT.subarray(0, 15)), { layer: 'report', reason: 'truncated', offset: 12, field: 'mmioRangesCount' });
    expectDecodeError(() => decodeDeviceInterfaceReport(SAMPLE_REPORT.subarray(0, 83)), { layer: 'report', reason: 'truncated', offset: 80, field: 'deviceSpecificInfoLength' });
  });
});

describe('overlong: trailing bytes after the last field', () => {
  it('TDISP LOCK + 1 byte → byte 36; GET_VERSION + 1 → byte 16', () => {
    expectDecodeError(() => tdisp.decode(cat(LOCK, Uint8Array.of(0))), { layer: 'tdisp', reason: 'overlong', offset: 36, field: '(end)' });
    expectDecodeError(() => tdisp.decode(cat(GET_VERSION_VDM.subarray(12), Uint8Array.of(0))), { layer: 'tdisp', reason: 'overlong', offset: 16, field: '(end)' });
  });

  it('IDE_KM KEY_PROG + 1, SPDM GET_VERSION + 1, the report + 1', () => {
    expectDecodeError(() => idekm.decode(cat(KEY_PROG, Uint8Array.of(0))), { layer: 'idekm', reason: 'overlong', offset: 47, field: '(end)' });
    expectDecodeError(() => spdm.decode(ref('10 84 00 00 00')), { layer: 'spdm', reason: 'overlong', offset: 4, field: '(end)' });
    expectDecodeError(() => decodeDeviceInterfaceReport(cat(SAMPLE_REPORT, Uint8Array.of(0))), { layer: 'report', reason: 'overlong', offset: 100, field: '(end)' });
  });

  it('a TDISP message with a trailing byte inside a consistent VDM and DOE object: located in the outer buffer', () => {
    const vdm = spdm.encode(pciSigVendorMessage('VENDOR_DEFINED_REQUEST', 'TDISP', cat(LOCK, Uint8Array.of(0xee))));
    expectDecodeError(() => decodeStack(encodeDoe(spdmDataObject(vdm)), 'doe'), { layer: 'tdisp', reason: 'overlong', offset: 8 + 12 + 36, field: '(end)' });
  });
});

describe('wrong version', () => {
  it('TDISP: any version byte but 0x10 on every type except TDISP_ERROR → byte 0 (version)', () => {
    fc.assert(
      fc.property(
        tdispMessage.filter((m) => m.messageType !== 'TDISP_ERROR'),
        u8.filter((v) => v !== 0x10),
        (m, v) => {
          expectDecodeError(() => tdisp.decode(withByte(tdisp.encode(m), 0, v)), { layer: 'tdisp', reason: 'version', offset: 0, field: 'version' });
        },
      ),
    );
  });

  it('TDISP_ERROR echoes the request’s version, matching or not (spdm-emu), so any version decodes', () => {
    const err = ref('11 7F 00 00 EF BE 00 00 00×8 41 00 00 00 00 00 00 00');
    expect(tdisp.decode(err).message).toMatchObject({ version: 0x11, messageType: 'TDISP_ERROR', errorCode: 0x41 });
  });

  it('LOCK of TDISP 1.1 / 2.0', () => {
    expectDecodeError(() => tdisp.decode(withByte(LOCK, 0, 0x11)), { layer: 'tdisp', reason: 'version', offset: 0, field: 'version' });
    expectDecodeError(() => tdisp.decode(withByte(LOCK, 0, 0x20)), { layer: 'tdisp', reason: 'version', offset: 0, field: 'version' });
  });

  it('SPDM GET_VERSION and VERSION must be 1.0; other messages any 1.x, never 0.x or 2.x', () => {
    expectDecodeError(() => spdm.decode(ref('12 84 00 00')), { layer: 'spdm', reason: 'version', offset: 0, field: 'spdmVersion' });
    expectDecodeError(() => spdm.decode(ref('11 04 00 00 00 01 00 10')), { layer: 'spdm', reason: 'version', offset: 0, field: 'spdmVersion' });
    expect(spdm.decode(withByte(GET_VERSION_VDM, 0, 0x1f)).message.spdmVersion).toBe(0x1f);
    for (const v of [0x00, 0x0f, 0x20, 0xff]) {
      expectDecodeError(() => spdm.decode(withByte(GET_VERSION_VDM, 0, v)), { layer: 'spdm', reason: 'version', offset: 0, field: 'spdmVersion' });
      expectDecodeError(() => spdm.decode(ref(`${v.toString(16).padStart(2, '0')} 7F 01 00`)), { layer: 'spdm', reason: 'version', offset: 0, field: 'spdmVersion' });
    }
  });

  it('inside the stack: the TDISP version of a DOE-carried VDM → byte 20 of the object', () => {
    const vdm = withByte(GET_VERSION_VDM, 12, 0x20);
    expectDecodeError(() => decodeStack(encodeDoe(spdmDataObject(vdm)), 'doe'), { layer: 'tdisp', reason: 'version', offset: 20, field: 'version' });
  });
});

describe('unknown message type', () => {
  const known = (codes: Readonly<Record<string, number>>) => new Set(Object.values(codes));
  it('TDISP: every code outside the 23 → byte 1 (messageType)', () => {
    const codes = known(TDISP_CODES);
    for (let c = 0; c < 256; c++) {
      if (codes.has(c)) continue;
      expectDecodeError(() => tdisp.decode(withByte(LOCK, 1, c)), { layer: 'tdisp', reason: 'unknown-type', offset: 1, field: 'messageType' });
    }
  });
  it('IDE_KM: every object id outside the 7 → byte 0 (objectId)', () => {
    const codes = known(IDEKM_CODES);
    for (let c = 0; c < 256; c++) {
      if (codes.has(c)) continue;
      expectDecodeError(() => idekm.decode(withByte(KEY_PROG, 0, c)), { layer: 'idekm', reason: 'unknown-type', offset: 0, field: 'objectId' });
    }
  });
  it('SPDM: every code outside GET_VERSION, VERSION, VENDOR_DEFINED_*, ERROR → byte 1 (code)', () => {
    const codes = known(SPDM_CODES);
    for (let c = 0; c < 256; c++) {
      if (codes.has(c)) continue;
      expectDecodeError(() => spdm.decode(withByte(GET_VERSION_VDM, 1, c)), { layer: 'spdm', reason: 'unknown-type', offset: 1, field: 'code' });
    }
  });
  it('a DOE object of a type other than SPDM is not an error: its payload stays bytes', () => {
    const s = decodeStack(ref('01 00 05 00 03 00 00 00 12 34 56 78'), 'doe');
    expect(s.doe).toMatchObject({ dataObjectType: 5, payload: ref('12 34 56 78') });
    expect(s.spdm).toBeUndefined();
  });
});

describe('lengths that disagree with the bytes present', () => {
  it('VDM payload_length one more or one less than the bytes that follow → byte 9 (payloadLength)', () => {
    for (const len of [0x10, 0x12, 0xffff]) {
      const b = GET_VERSION_VDM.slice();
      b.set(le16(len), 9);
      expectDecodeError(() => spdm.decode(b), { layer: 'spdm', reason: 'length-mismatch', offset: 9, field: 'payloadLength' });
    }
  });

  it('VDM payload_length 0 leaves no protocol id → invalid-value at byte 9', () => {
    expectDecodeError(() => spdm.decode(ref('12 FE 00 00 03 00 02 01 00 00 00')), { layer: 'spdm', reason: 'invalid-value', offset: 9, field: 'payloadLength' });
  });

  it('SPDM 1.4 large layout: reserved u16 at 9, payload_length u32 at 11', () => {
    const large = ref('14 FE 80 00 03 00 02 01 00 | 00 00 | 11 00 00 00 | 01 | 10 81 00 00 EF BE 00 00 00×8');
    expect(spdm.decode(large).message).toMatchObject({ spdmVersion: 0x14, param1: 0x80, protocolId: 1 });
    expect(spdm.encode(spdm.decode(large).message)).toStrictEqual(large);
    expectDecodeError(() => spdm.decode(withByte(large, 11, 0x12)), { layer: 'spdm', reason: 'length-mismatch', offset: 11, field: 'payloadLength' });
    expectDecodeError(() => spdm.decode(large.subarray(0, 14)), { layer: 'spdm', reason: 'truncated', offset: 11, field: 'payloadLength' });
  });

  it('report portion_length that disagrees with the portion → byte 16 (portionLength)', () => {
    expectDecodeError(() => tdisp.decode(withByte(REPORT_RSP, 16, 0x41)), { layer: 'tdisp', reason: 'length-mismatch', offset: 16, field: 'portionLength' });
    expectDecodeError(() => tdisp.decode(withByte(REPORT_RSP, 16, 0x3f)), { layer: 'tdisp', reason: 'length-mismatch', offset: 16, field: 'portionLength' });
    expectDecodeError(() => tdisp.decode(REPORT_RSP.subarray(0, 60)), { layer: 'tdisp', reason: 'length-mismatch', offset: 16, field: 'portionLength' });
  });

  it('TDISP VERSION entry count beyond the entries → byte 16; short of them → overlong', () => {
    const v = TDISP_VERSION_VDM.subarray(12);
    expectDecodeError(() => tdisp.decode(withByte(v, 16, 2)), { layer: 'tdisp', reason: 'length-mismatch', offset: 16, field: 'versionNumEntriesCount' });
    expectDecodeError(() => tdisp.decode(cat(withByte(v, 16, 1), Uint8Array.of(0x11))), { layer: 'tdisp', reason: 'overlong', offset: 18, field: '(end)' });
  });

  it('SPDM VERSION entry count beyond the entries → byte 5', () => {
    expectDecodeError(() => spdm.decode(ref('10 04 00 00 00 03 00 10 00 11')), { layer: 'spdm', reason: 'length-mismatch', offset: 5, field: 'versionNumberEntriesCount' });
  });

  it('report mmio_range_count the buffer cannot hold → byte 12 (mmioRangesCount)', () => {
    for (const count of [6, 0x100, 0xffffffff]) {
      const b = SAMPLE_REPORT.slice();
      b.set(le32(count), 12);
      expectDecodeError(() => decodeDeviceInterfaceReport(b), { layer: 'report', reason: 'length-mismatch', offset: 12, field: 'mmioRangesCount' });
    }
  });

  it('report device_specific_info_len beyond the buffer → byte 80; short of it → overlong', () => {
    const b = SAMPLE_REPORT.slice();
    b.set(le32(17), 80);
    expectDecodeError(() => decodeDeviceInterfaceReport(b), { layer: 'report', reason: 'length-mismatch', offset: 80, field: 'deviceSpecificInfoLength' });
    b.set(le32(15), 80);
    expectDecodeError(() => decodeDeviceInterfaceReport(b), { layer: 'report', reason: 'overlong', offset: 99, field: '(end)' });
  });

  it('a vendor id length beyond the message (VDM, TDISP VDM_REQUEST, TDISP_ERROR extended data) → the length byte', () => {
    expectDecodeError(() => spdm.decode(withByte(GET_VERSION_VDM, 6, 0xff)), { layer: 'spdm', reason: 'length-mismatch', offset: 6, field: 'vendorIdLength' });
    const vdmReq = ref('10 8B 00 00 EF BE 00 00 00×8 | 00 05 01 00');
    expectDecodeError(() => tdisp.decode(vdmReq), { layer: 'tdisp', reason: 'length-mismatch', offset: 17, field: 'vendorIdLength' });
    const errExt = ref('10 7F 00 00 EF BE 00 00 00×8 | FF 00 00 00 00 00 00 00 | 00 04 01');
    expectDecodeError(() => tdisp.decode(errExt), { layer: 'tdisp', reason: 'length-mismatch', offset: 25, field: 'extendedErrorData.vendorIdLength' });
  });

  it('inside the stack: a VDM payload_length that disagrees → byte 8 + 9 of the DOE object', () => {
    const b = GET_VERSION_VDM.slice();
    b.set(le16(0x15), 9);
    expectDecodeError(() => decodeStack(encodeDoe(spdmDataObject(b)), 'doe'), { layer: 'spdm', reason: 'length-mismatch', offset: 17, field: 'payloadLength' });
  });
});

describe('DOE length that does not match the buffer → byte 4 (length)', () => {
  const header = ref('01 00 01 00 09 00 00 00');
  it.each([
    ['a DW more', 32],
    ['a DW less', 24],
    ['a byte more (not a whole DW)', 29],
    ['a byte less', 27],
    ['no payload', 0],
  ])('%s', (_, payload) => {
    expectDecodeError(() => decodeDoe(cat(header, GET_VERSION_VDM, new Uint8Array(32)).subarray(0, 8 + payload)), {
      layer: 'doe',
      reason: 'length-mismatch',
      offset: 4,
      field: 'length',
    });
  });
  it('length 0 stands for 2^18 DW; length 1 is less than the header', () => {
    expectDecodeError(() => decodeDoe(cat(ref('01 00 01 00 00 00 00 00'), GET_VERSION_VDM)), { layer: 'doe', reason: 'length-mismatch', offset: 4, field: 'length' });
    expectDecodeError(() => decodeDoe(ref('01 00 01 00 01 00 00 00')), { layer: 'doe', reason: 'length-mismatch', offset: 4, field: 'length' });
    const mib = new Uint8Array(1 << 20);
    mib.set(ref('01 00 02 00 00 00 00 00'));
    const d = decodeDoe(mib).message;
    expect(d.payload.length).toBe((1 << 20) - 8);
    expectBytes(encodeDoe(d), mib);
  });
});

describe('IDE register blocks that are not whole DWs → byte 7 (ideRegisterBlock)', () => {
  const head = ref('01 00 01 00 00 00 07');
  it.each([1, 2, 3, 5, 75])('QUERY_RESP with %i register byte(s)', (n) => {
    expectDecodeError(() => idekm.decode(cat(head, new Uint8Array(n))), { layer: 'idekm', reason: 'length-mismatch', offset: 7, field: 'ideRegisterBlock' });
  });
  it('whole DWs decode (74 DW: the 303-byte QUERY_RESP of the spdm-emu sample)', () => {
    const d = idekm.decode(cat(head, new Uint8Array(74 * 4)));
    expect(d.message).toMatchObject({ objectId: 'QUERY_RESP', maxPortIndex: 7 });
    expect((d.message as { ideRegisterBlock: number[] }).ideRegisterBlock).toHaveLength(74);
  });
});

describe('reserved fields: lenient decoding keeps and flags them, strict decoding rejects them where they are', () => {
  const zeroRange = '00×8 01 00 00 00 04 00 01 00';
  it.each([
    ['TDISP header reserved', () => tdisp.decode(withByte(LOCK, 2, 1)), 'tdisp', 'reserved', 2],
    ['function_id bits 31:25', () => tdisp.decode(withByte(LOCK, 7, 0x02)), 'tdisp', 'interfaceId.functionId.reserved', 4],
    ['INTERFACE_ID reserved bytes', () => tdisp.decode(withByte(LOCK, 15, 0x80)), 'tdisp', 'interfaceId.reserved', 8],
    ['LOCK flags bits 15:5', () => tdisp.decode(withByte(LOCK, 16, 0x27)), 'tdisp', 'flags', 16],
    ['LOCK reserved byte', () => tdisp.decode(withByte(LOCK, 19, 1)), 'tdisp', 'bodyReserved', 19],
    ['SET_MMIO_ATTRIBUTE range_attributes bits 15:4', () => tdisp.decode(ref(`10 8A 00 00 EF BE 00 00 00×8 ${zeroRange}`.replace('04 00 01 00', '18 00 01 00'))), 'tdisp', 'mmioRange.rangeAttributes', 28],
    ['report reserved', () => decodeDeviceInterfaceReport(withByte(SAMPLE_REPORT, 3, 1)), 'report', 'reserved', 2],
    ['report range 2 attributes bits 15:4', () => decodeDeviceInterfaceReport(withByte(SAMPLE_REPORT, 16 + 32 + 13, 0x80)), 'report', 'mmioRanges[2].rangeAttributes', 60],
    ['IDE_KM KEY_PROG reserved u16', () => idekm.decode(withByte(KEY_PROG, 2, 1)), 'idekm', 'reserved', 1],
    ['IDE_KM KEY_PROG reserved byte', () => idekm.decode(withByte(KEY_PROG, 4, 1)), 'idekm', 'reserved2', 4],
    ['IDE_KM key_sub_stream bits 3:2', () => idekm.decode(withByte(KEY_PROG, 5, 0x04)), 'idekm', 'keySubStream.reserved', 5],
    ['IDE_KM QUERY reserved', () => idekm.decode(ref('00 01 01')), 'idekm', 'reserved', 1],
    ['SPDM VDM param2', () => spdm.decode(withByte(GET_VERSION_VDM, 3, 1)), 'spdm', 'param2', 3],
    ['SPDM 1.4 large reserved u16', () => spdm.decode(ref('14 FE 80 00 03 00 02 01 00 | 01 00 | 01 00 00 00 | 01')), 'spdm', 'largeReserved', 9],
    ['SPDM GET_VERSION param1', () => spdm.decode(ref('10 84 01 00')), 'spdm', 'param1', 2],
    ['SPDM VERSION reserved', () => spdm.decode(ref('10 04 00 00 01 00')), 'spdm', 'reserved', 4],
    ['DOE reserved byte', () => decodeDoe(ref('01 00 01 01 02 00 00 00')), 'doe', 'reserved', 3],
    ['DOE length bits 31:18', () => decodeDoe(ref('01 00 01 00 02 00 04 00')), 'doe', 'lengthReserved', 4],
    ['a reserved field three layers down', () => decodeStack(encodeDoe(spdmDataObject(withByte(GET_VERSION_VDM, 12 + 15, 1))), 'doe'), 'tdisp', 'interfaceId.reserved', 8 + 12 + 8],
  ] as const)('%s', (_, decode, layer, field, offset) => {
    const lenient = (decode as (o?: { strict: boolean }) => { warnings: readonly { layer: string; field: string; offset: number }[] })();
    expect(lenient.warnings.map((w) => ({ layer: w.layer, field: w.field, offset: w.offset }))).toEqual([{ layer, field, offset }]);
  });

  it('strict mode: the same inputs fail with reason reserved at that field', () => {
    const cases: [() => unknown, string, string, number][] = [
      [() => tdisp.decode(withByte(LOCK, 2, 1), { strict: true }), 'tdisp', 'reserved', 2],
      [() => tdisp.decode(withByte(LOCK, 7, 0x02), { strict: true }), 'tdisp', 'interfaceId.functionId.reserved', 4],
      [() => tdisp.decode(withByte(LOCK, 15, 0x80), { strict: true }), 'tdisp', 'interfaceId.reserved', 8],
      [() => tdisp.decode(withByte(LOCK, 16, 0x27), { strict: true }), 'tdisp', 'flags', 16],
      [() => tdisp.decode(withByte(LOCK, 19, 1), { strict: true }), 'tdisp', 'bodyReserved', 19],
      [() => decodeDeviceInterfaceReport(withByte(SAMPLE_REPORT, 16 + 32 + 13, 0x80), { strict: true }), 'report', 'mmioRanges[2].rangeAttributes', 60],
      [() => idekm.decode(withByte(KEY_PROG, 5, 0x04), { strict: true }), 'idekm', 'keySubStream.reserved', 5],
      [() => spdm.decode(ref('14 FE 80 00 03 00 02 01 00 | 01 00 | 01 00 00 00 | 01'), { strict: true }), 'spdm', 'largeReserved', 9],
      [() => decodeDoe(ref('01 00 01 00 02 00 04 00'), { strict: true }), 'doe', 'lengthReserved', 4],
      [() => decodeStack(encodeDoe(spdmDataObject(withByte(GET_VERSION_VDM, 12 + 15, 1))), 'doe', { strict: true }), 'tdisp', 'interfaceId.reserved', 28],
    ];
    for (const [decode, layer, field, offset] of cases) expectDecodeError(decode, { layer: layer as never, reason: 'reserved', field, offset });
  });

  it('the flagged value is kept in the message, so re-encoding gives the same bytes', () => {
    const b = withByte(withByte(LOCK, 2, 0x5a), 16, 0xe7);
    const d = tdisp.decode(b);
    expect(d.message).toMatchObject({ reserved: 0x5a, flags: 0xe7 });
    expect(tdisp.encode(d.message)).toStrictEqual(b);
  });
});

describe('the stack decodes only PCI-SIG vendor-defined messages further', () => {
  it('a vendor-defined message of another standards body or vendor keeps its payload as bytes', () => {
    // standard_id 0x000A (a made-up registry) with a payload whose first byte happens to be 0x01.
    const other = ref('12 FE 00 00 0A 00 02 34 12 | 04 00 | 01 FF FF FF');
    const s = decodeStack(other, 'spdm');
    expect(s.spdm).toMatchObject({ standardId: 0x0a, protocolId: 1, payload: ref('FF FF FF') });
    expect(s.tdisp).toBeUndefined();
    const pcisigVendorElsewhere = ref('12 FE 00 00 03 00 02 34 12 | 04 00 | 01 FF FF FF');
    expect(decodeStack(pcisigVendorElsewhere, 'spdm').tdisp).toBeUndefined();
  });
  it('a PCI-SIG one with an unknown protocol id also stops at SPDM', () => {
    const s = decodeStack(ref('12 FE 00 00 03 00 02 01 00 | 02 00 | 07 AA'), 'spdm');
    expect(s.spdm).toMatchObject({ protocolId: 7 });
    expect(s.tdisp ?? s.idekm).toBeUndefined();
  });
});

describe('SPDM LargeReq is an SPDM 1.4 layout', () => {
  it('param1 bit 7 in an SPDM 1.2 message selects nothing: the u16 payload_length layout is read', () => {
    const b = withByte(GET_VERSION_VDM, 2, 0x80);
    const s = decodeStack(b, 'spdm');
    expect(s.spdm).toMatchObject({ spdmVersion: 0x12, param1: 0x80 });
    expect(s.spdm).not.toHaveProperty('largeReserved');
    expect(s.tdisp).toMatchObject({ messageType: 'GET_TDISP_VERSION' });
    expect(encodeStack(s)).toStrictEqual(b);
  });
});
