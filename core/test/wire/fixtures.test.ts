/**
 * Requirement 4: public fixtures and the reference's derived byte sequences. Expected values
 * come from ../shared/reference/tdisp-wire.md (§2, §5, §7, §8) and ../shared/fixtures/README.md,
 * never from what the codec prints.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  type TdispMessage,
  InterfaceInfo,
  LockInterfaceFlag,
  MmioRangeAttribute,
  decodeDeviceInterfaceReport,
  decodeStack,
  encodeDeviceInterfaceReport,
  encodeDoe,
  formatRequesterId,
  idekm,
  pciSigVendorMessage,
  spdm,
  spdmDataObject,
  tdisp,
  toHex,
} from '../../src/wire/index.js';
import { decodeError, encodeStack, expectBytes, ref } from './helpers.js';

const FIXTURES = new URL('../../../test/fixtures/', import.meta.url);
const BEEF = { functionId: { requesterId: 0xbeef, segment: 0, segmentValid: false } };
const TDISP_HEADER_BEEF = '10 __ 00 00 EF BE 00 00 00×8';
const header = (code: string) => TDISP_HEADER_BEEF.replace('__', code);

/** Decodes, checks the re-encoding, and returns the message with its warnings. */
function roundTrip<M>(codec: { decode(b: Uint8Array, o?: { strict?: boolean }): { message: M; warnings: readonly unknown[] }; encode(m: M): Uint8Array }, bytes: Uint8Array) {
  const d = codec.decode(bytes);
  expectBytes(codec.encode(d.message), bytes);
  return d;
}

describe('Project Cerberus format examples (tdisp_commands_test.c), tdisp-wire.md §8', () => {
  it('function_id AA BB CC DD → requester 0xBBAA (bus 0xBB, device 0x15, function 2), segment 0xCC, valid, bits 31:25 flagged', () => {
    const bytes = ref(`${header('81')}`.replace('EF BE 00 00', 'AA BB CC DD'));
    const d = roundTrip(tdisp, bytes);
    const fid = d.message.interfaceId.functionId;
    expect(fid).toMatchObject({ requesterId: 0xbbaa, segment: 0xcc, segmentValid: true });
    expect({ bus: fid.requesterId >> 8, device: (fid.requesterId >> 3) & 0x1f, function: fid.requesterId & 7 }).toEqual({ bus: 0xbb, device: 0x15, function: 2 });
    expect(formatRequesterId(fid.requesterId)).toBe('bb:15.2');
    // 0xDD = 1101 1101: bit 24 (valid) is 1, bits 31:25 are 110 1110 = 0x6E.
    expect(fid.reserved).toBe(0x6e);
    expect(d.warnings).toEqual([{ layer: 'tdisp', offset: 4, field: 'interfaceId.functionId.reserved', value: '0x6e' }]);
    expect(decodeError(() => tdisp.decode(bytes, { strict: true }))).toMatchObject({ reason: 'reserved', offset: 4, field: 'interfaceId.functionId.reserved' });
  });

  it('LOCK flags AB CD → NO_FW_UPDATE 1, SYSTEM_CACHE_LINE_SIZE 1, LOCK_MSIX 0, BIND_P2P 1, ALL_REQUEST_REDIRECT 0, reserved bits 0x66D', () => {
    const bytes = ref(`${header('83')} | AB CD 00 00 | 00×8 | 00×8`);
    const d = roundTrip(tdisp, bytes);
    const flags = (d.message as TdispMessage & { flags: number }).flags;
    const bit = (mask: number) => ((flags & mask) !== 0 ? 1 : 0);
    expect([LockInterfaceFlag.NO_FW_UPDATE, LockInterfaceFlag.SYSTEM_CACHE_LINE_SIZE, LockInterfaceFlag.LOCK_MSIX, LockInterfaceFlag.BIND_P2P, LockInterfaceFlag.ALL_REQUEST_REDIRECT].map(bit)).toEqual([
      1, 1, 0, 1, 0,
    ]);
    expect(flags >>> 5).toBe(0x66d);
    expect(d.warnings).toEqual([{ layer: 'tdisp', offset: 16, field: 'flags', value: '0x66d' }]);
    expect(decodeError(() => tdisp.decode(bytes, { strict: true }))).toMatchObject({ reason: 'reserved', offset: 16, field: 'flags' });
  });

  it('MMIO range attributes 0A 34 2E 98 → MSIX_PBA 1, IS_MEM_ATTR_UPDATABLE 1, reserved 0x340, range id 0x982E', () => {
    const bytes = ref(`${header('8A')} | 00 10 00 00 00 00 00 00 | 02 00 00 00 | 0A 34 2E 98`);
    const d = roundTrip(tdisp, bytes);
    const range = (d.message as TdispMessage & { mmioRange: { rangeAttributes: number; rangeId: number } }).mmioRange;
    const bit = (mask: number) => ((range.rangeAttributes & mask) !== 0 ? 1 : 0);
    expect({
      MSIX_TABLE: bit(MmioRangeAttribute.MSIX_TABLE),
      MSIX_PBA: bit(MmioRangeAttribute.MSIX_PBA),
      IS_NON_TEE_MEM: bit(MmioRangeAttribute.IS_NON_TEE_MEM),
      IS_MEM_ATTR_UPDATABLE: bit(MmioRangeAttribute.IS_MEM_ATTR_UPDATABLE),
      reserved: range.rangeAttributes >>> 4,
      rangeId: range.rangeId,
    }).toEqual({ MSIX_TABLE: 0, MSIX_PBA: 1, IS_NON_TEE_MEM: 0, IS_MEM_ATTR_UPDATABLE: 1, reserved: 0x340, rangeId: 0x982e });
    expect(d.message).toMatchObject({ mmioRange: { firstPage: 0x1000n, numberOfPages: 2 } });
    expect(d.warnings).toEqual([{ layer: 'tdisp', offset: 28, field: 'mmioRange.rangeAttributes', value: '0x340' }]);
  });
});

describe('libspdm DOE fuzz seed (spdm_transport_pci_doe_decode_message.raw)', () => {
  const seed = ref('01 00 01 00 05 00 00 00 10 04 00 00 00 02 00 10 00 11 00 00');

  it('a DOE SPDM object of 5 DW carrying SPDM VERSION with entries 1.0 and 1.1', () => {
    const s = decodeStack(seed, 'doe');
    expect(s.doe).toMatchObject({ vendorId: 1, dataObjectType: 1 });
    expect(s.doe?.payload).toHaveLength(12);
    expect(s.spdm).toStrictEqual({
      spdmVersion: 0x10,
      code: 'VERSION',
      versionNumberEntries: [
        { major: 1, minor: 0, update: 0, alpha: 0 },
        { major: 1, minor: 1, update: 0, alpha: 0 },
      ],
    });
    expect(s.warnings).toEqual([]);
    expectBytes(encodeStack(s), seed);
    expect(decodeStack(seed, 'doe', { strict: true })).toStrictEqual(s);
  });

  it('its VERSION alone, and GET_VERSION (the 4-byte header, SPDMVersion 1.0)', () => {
    expect(roundTrip(spdm, seed.subarray(8, 18)).message).toMatchObject({ code: 'VERSION' });
    expect(roundTrip(spdm, ref('10 84 00 00')).message).toStrictEqual({ spdmVersion: 0x10, code: 'GET_VERSION' });
    expect(spdm.encode({ spdmVersion: 0x10, code: 'GET_VERSION' })).toStrictEqual(ref('10 84 00 00'));
  });

  it('a VERSION entry carries update and alpha in bits 7:4 and 3:0 (1.2.3.4 = 0x1234)', () => {
    const m = roundTrip(spdm, ref('10 04 00 00 00 01 34 12')).message;
    expect(m).toMatchObject({ versionNumberEntries: [{ major: 1, minor: 2, update: 3, alpha: 4 }] });
  });
});

describe('derived byte sequences of tdisp-wire.md §8 (function_id 0xbeef, SPDM 1.2)', () => {
  it('GET_VERSION in a VDM (28 bytes)', () => {
    const bytes = ref('12 FE 00 00 03 00 02 01 00 11 00 01 | 10 81 00 00 EF BE 00 00 00 00 00 00 00 00 00 00');
    expect(bytes).toHaveLength(28);
    const s = decodeStack(bytes, 'spdm');
    expect(s.spdm).toMatchObject({ spdmVersion: 0x12, code: 'VENDOR_DEFINED_REQUEST', param1: 0, standardId: 3, vendorId: Uint8Array.of(1, 0), protocolId: 1 });
    expect(spdm.toJson(s.spdm as never)).toMatchObject({ payloadLength: 0x11, protocolId: 'TDISP' });
    expect(s.tdisp).toStrictEqual({ version: 0x10, messageType: 'GET_TDISP_VERSION', interfaceId: BEEF });
    expectBytes(encodeStack(s), bytes);
    expectBytes(spdm.encode(pciSigVendorMessage('VENDOR_DEFINED_REQUEST', 'TDISP', tdisp.encode(s.tdisp as TdispMessage))), bytes);
  });

  it('VERSION in a VDM', () => {
    const bytes = ref('12 7E 00 00 03 00 02 01 00 13 00 01 | 10 01 00 00 EF BE 00 00 00×8 | 01 10');
    const s = decodeStack(bytes, 'spdm');
    expect(s.spdm).toMatchObject({ code: 'VENDOR_DEFINED_RESPONSE', protocolId: 1 });
    expect(spdm.toJson(s.spdm as never)).toMatchObject({ payloadLength: 0x13 });
    expect(s.tdisp).toStrictEqual({ version: 0x10, messageType: 'TDISP_VERSION', interfaceId: BEEF, versionNumEntries: [0x10] });
    expectBytes(encodeStack(s), bytes);
  });

  it('LOCK (36 bytes): flags 0x0007, stream 0, mmio_reporting_offset 0xD0000000, mask 0', () => {
    const bytes = ref('10 83 00 00 EF BE 00 00 00×8 | 07 00 00 00 | 00 00 00 D0 00 00 00 00 | 00×8');
    expect(bytes).toHaveLength(36);
    const d = roundTrip(tdisp, bytes);
    expect(d.message).toStrictEqual({
      version: 0x10,
      messageType: 'LOCK_INTERFACE_REQUEST',
      interfaceId: BEEF,
      flags: 0x0007,
      defaultStreamId: 0,
      mmioReportingOffset: 0xd0000000n,
      bindP2pAddressMask: 0n,
    });
    expect(d.warnings).toEqual([]);
  });

  it('ERROR INVALID_INTERFACE_STATE', () => {
    const bytes = ref('10 7F 00 00 EF BE 00 00 00×8 04 00 00 00 00 00 00 00');
    const d = roundTrip(tdisp, bytes);
    expect(d.message).toStrictEqual({ version: 0x10, messageType: 'TDISP_ERROR', interfaceId: BEEF, errorCode: 0x0004, errorData: 0 });
    expect(tdisp.toJson(d.message)).toMatchObject({ errorCode: 'INVALID_INTERFACE_STATE' });
  });

  it('report chunking vs spdm-emu (100 bytes): 00 00 40 00 → 40 00 24 00 + 64 B; 40 00 24 00 → 24 00 00 00 + 36 B', () => {
    const report = readReportFromFixture();
    const req1 = roundTrip(tdisp, ref(`${header('84')} | 00 00 40 00`)).message;
    const rsp1 = roundTrip(tdisp, new Uint8Array([...ref(`${header('04')} | 40 00 24 00`), ...report.subarray(0, 64)])).message;
    const req2 = roundTrip(tdisp, ref(`${header('84')} | 40 00 24 00`)).message;
    const rsp2 = roundTrip(tdisp, new Uint8Array([...ref(`${header('04')} | 24 00 00 00`), ...report.subarray(64)])).message;
    expect(req1).toMatchObject({ messageType: 'GET_DEVICE_INTERFACE_REPORT', offset: 0, length: 0x40 });
    expect(rsp1).toMatchObject({ messageType: 'DEVICE_INTERFACE_REPORT', remainderLength: 0x24 });
    expect(req2).toMatchObject({ offset: 0x40, length: 0x24 });
    expect(rsp2).toMatchObject({ remainderLength: 0 });
    expect(tdisp.toJson(rsp1)).toMatchObject({ portionLength: 0x40, remainderLength: 0x24 });
    expect(tdisp.toJson(rsp2)).toMatchObject({ portionLength: 0x24, remainderLength: 0 });
  });

  it('sample report start: 03 00 00×10 04 00 00 00, then range 0 = 00×8 01 00 00 00 04 00 01 00', () => {
    const start = ref('03 00 00×10 04 00 00 00 | 00×8 01 00 00 00 04 00 01 00');
    const report = readReportFromFixture();
    expectBytes(report.subarray(0, start.length), start);
    const d = decodeDeviceInterfaceReport(report).message;
    expect(d).toMatchObject({ interfaceInfo: 0x0003, msiXMessageControl: 0, lnrControl: 0, tphControl: 0 });
    expect(d.mmioRanges[0]).toStrictEqual({ firstPage: 0n, numberOfPages: 1, rangeAttributes: MmioRangeAttribute.IS_NON_TEE_MEM, rangeId: 1 });
    expect(d.interfaceInfo).toBe(InterfaceInfo.NO_UPDATE_AFTER_LOCK | InterfaceInfo.DMA_WITHOUT_PASID);
  });

  it('IDE_KM QUERY in a VDM: payload_length 4, protocol IDE_KM, port_index 1', () => {
    const bytes = ref('12 FE 00 00 03 00 02 01 00 04 00 00 | 00 00 01');
    const s = decodeStack(bytes, 'spdm');
    expect(s.spdm).toMatchObject({ protocolId: 0 });
    expect(spdm.toJson(s.spdm as never)).toMatchObject({ payloadLength: 4, protocolId: 'IDE_KM' });
    expect(s.idekm).toStrictEqual({ objectId: 'QUERY', portIndex: 1 });
    expectBytes(encodeStack(s), bytes);
  });

  it('IDE_KM KEY_PROG (K0|RX|PR, stream 0, port 1) + 40 key/IFV bytes, payload_length 0x0030', () => {
    const keyAndIfv = Uint8Array.from({ length: 40 }, (_, i) => i + 1);
    const bytes = new Uint8Array([...ref('02 00 00 00 00 00 01'), ...keyAndIfv]);
    const d = roundTrip(idekm, bytes);
    expect(d.message).toStrictEqual({
      objectId: 'KEY_PROG',
      streamId: 0,
      keySubStream: { keySet: 'K0', direction: 'RX', subStream: 0 },
      portIndex: 1,
      key: keyAndIfv.slice(0, 32),
      ifv: keyAndIfv.slice(32),
    });
    const vdm = spdm.encode(pciSigVendorMessage('VENDOR_DEFINED_REQUEST', 'IDE_KM', bytes));
    expect(toHex(vdm.subarray(0, 12))).toBe('12fe00000300020100300000');
    expect(decodeStack(vdm, 'spdm').idekm).toStrictEqual(d.message);
  });

  it('the key_sub_stream byte: TX 0x02, K1 0x01, NPR 0x10, CPL 0x20', () => {
    const ks = (b: number) => (idekm.decode(ref(`04 00 00 00 00 ${b.toString(16).padStart(2, '0')} 01`)).message as { keySubStream: unknown }).keySubStream;
    expect(ks(0x02)).toStrictEqual({ keySet: 'K0', direction: 'TX', subStream: 0 });
    expect(ks(0x01)).toStrictEqual({ keySet: 'K1', direction: 'RX', subStream: 0 });
    expect(ks(0x13)).toStrictEqual({ keySet: 'K1', direction: 'TX', subStream: 1 });
    expect(ks(0x20)).toStrictEqual({ keySet: 'K0', direction: 'RX', subStream: 2 });
  });

  it('the DOE header for a 28-byte non-secured SPDM message: 01 00 01 00 09 00 00 00', () => {
    const vdm = ref('12 FE 00 00 03 00 02 01 00 11 00 01 | 10 81 00 00 EF BE 00 00 00×8');
    const object = encodeDoe(spdmDataObject(vdm));
    expect(toHex(object.subarray(0, 8))).toBe('0100010009000000');
    expect(object).toHaveLength(36);
    const s = decodeStack(object, 'doe');
    expect(s.doe).toStrictEqual({ vendorId: 1, dataObjectType: 1, payload: vdm });
    expect(s.tdisp).toMatchObject({ messageType: 'GET_TDISP_VERSION', interfaceId: BEEF });
    expectBytes(encodeStack(s), object);
  });
});

// ---- spdm-emu-tdisp-lifecycle.jsonl ----

interface FixtureLine {
  name: string;
  request: string;
  response: string;
  maskResponse?: [number, number];
}

const LINES: FixtureLine[] = readFileSync(new URL('spdm-emu-tdisp-lifecycle.jsonl', FIXTURES), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as FixtureLine);

/** The 32-byte nonce of the recorded LOCK response, which `NONCE` in a later request stands for. */
const LOCK_NONCE = (() => {
  const lock = LINES.find((l) => l.maskResponse);
  if (!lock?.maskResponse) throw new Error('no LOCK response with a masked nonce in the fixture');
  return ref(lock.response).subarray(...lock.maskResponse);
})();

function requestBytes(line: FixtureLine): Uint8Array {
  return line.request.endsWith('NONCE') ? new Uint8Array([...ref(line.request.slice(0, -'NONCE'.length)), ...LOCK_NONCE]) : ref(line.request);
}

function readReportFromFixture(): Uint8Array {
  const portions = LINES.filter((l) => l.name.startsWith('GET_DEVICE_INTERFACE_REPORT')).map((l) => tdisp.decode(ref(l.response)).message as TdispMessage & { portion: Uint8Array });
  return new Uint8Array(portions.flatMap((p) => [...p.portion]));
}

describe('spdm-emu-tdisp-lifecycle.jsonl: every line decodes and round-trips', () => {
  it('has the 13 recorded exchanges', () => {
    expect(LINES).toHaveLength(13);
    expect(LOCK_NONCE).toHaveLength(32);
  });

  it.each(LINES.map((l) => [l.name, l] as const))('%s', (_, line) => {
    const req = requestBytes(line);
    const rsp = ref(line.response);
    for (const bytes of [req, rsp]) {
      const d = roundTrip(tdisp, bytes);
      expect(d.warnings).toEqual([]);
      expect(d.message.version).toBe(0x10);
      expect(d.message.interfaceId).toStrictEqual(BEEF);
      // The same bytes carried in a PCI-SIG VDM inside a DOE object decode to the same message.
      const object = encodeDoe(spdmDataObject(spdm.encode(pciSigVendorMessage(bytes === req ? 'VENDOR_DEFINED_REQUEST' : 'VENDOR_DEFINED_RESPONSE', 'TDISP', bytes))));
      const s = decodeStack(object, 'doe', { strict: true });
      expect(s.tdisp).toStrictEqual(d.message);
      expectBytes(encodeStack(s), object);
    }
    // A response answers its request (code − 0x80) or is a TDISP ERROR.
    expect([req[1]! - 0x80, 0x7f]).toContain(rsp[1]);
  });

  it('the responses carry what the fixtures README describes', () => {
    const rsp = (name: string) => tdisp.decode(ref(LINES.find((l) => l.name === name)!.response)).message;
    expect(rsp('GET_VERSION')).toMatchObject({ messageType: 'TDISP_VERSION', versionNumEntries: [0x10] });
    const caps = rsp('GET_CAPABILITIES') as TdispMessage & { reqMsgSupported: Uint8Array };
    expect(caps).toMatchObject({ messageType: 'TDISP_CAPABILITIES', dsmCaps: 0, lockInterfaceFlagsSupported: 0x0007, devAddrWidth: 48, numReqThis: 0, numReqAll: 0 });
    expect(caps.reqMsgSupported[0]).toBe(0xfe);
    expect(rsp('GET_DEVICE_INTERFACE_STATE (unlocked)')).toMatchObject({ tdiState: 0 });
    expect(rsp('GET_DEVICE_INTERFACE_STATE (locked)')).toMatchObject({ tdiState: 1 });
    expect(rsp('GET_DEVICE_INTERFACE_STATE (run)')).toMatchObject({ tdiState: 2 });
    expect(rsp('GET_DEVICE_INTERFACE_STATE (after stop)')).toMatchObject({ tdiState: 0 });
    expect(rsp('LOCK_INTERFACE_REQUEST')).toMatchObject({ messageType: 'LOCK_INTERFACE_RESPONSE', startInterfaceNonce: LOCK_NONCE });
    expect(rsp('LOCK_INTERFACE_REQUEST again (locked)')).toMatchObject({ messageType: 'TDISP_ERROR', errorCode: 0x0004, errorData: 0 });
    expect(rsp('START_INTERFACE_REQUEST wrong nonce')).toMatchObject({ messageType: 'TDISP_ERROR', errorCode: 0x0102, errorData: 0 });
    expect(rsp('START_INTERFACE_REQUEST with LOCK nonce')).toMatchObject({ messageType: 'START_INTERFACE_RESPONSE' });
    expect(tdisp.decode(requestBytes(LINES.find((l) => l.name === 'START_INTERFACE_REQUEST with LOCK nonce')!)).message).toMatchObject({
      startInterfaceNonce: LOCK_NONCE,
    });
    expect(tdisp.decode(ref(LINES.find((l) => l.name === 'LOCK_INTERFACE_REQUEST')!.request)).message).toMatchObject({
      flags: 0x0007,
      mmioReportingOffset: 0xd0000000n,
    });
  });

  it('the two report portions reassemble into the 100-byte sample report with the README’s ranges', () => {
    const portions = LINES.filter((l) => l.name.startsWith('GET_DEVICE_INTERFACE_REPORT')).map((l) => ({
      req: tdisp.decode(ref(l.request)).message as TdispMessage & { offset: number; length: number },
      rsp: tdisp.decode(ref(l.response)).message as TdispMessage & { portion: Uint8Array; remainderLength: number },
    }));
    expect(portions).toHaveLength(2);
    // offset = sum of earlier portions; offset + portion + remainder is the report size throughout.
    let offset = 0;
    for (const { req, rsp } of portions) {
      expect(req.offset).toBe(offset);
      expect(rsp.portion.length).toBeLessThanOrEqual(req.length);
      expect(offset + rsp.portion.length + rsp.remainderLength).toBe(100);
      offset += rsp.portion.length;
    }
    const bytes = readReportFromFixture();
    expect(bytes).toHaveLength(100);
    const d = decodeDeviceInterfaceReport(bytes, { strict: true });
    expect(d.message).toStrictEqual({
      interfaceInfo: 0x0003,
      msiXMessageControl: 0,
      lnrControl: 0,
      tphControl: 0,
      mmioRanges: [
        { firstPage: 0x0n, numberOfPages: 1, rangeAttributes: MmioRangeAttribute.IS_NON_TEE_MEM, rangeId: 1 },
        { firstPage: 0x8000n, numberOfPages: 4, rangeAttributes: MmioRangeAttribute.IS_MEM_ATTR_UPDATABLE, rangeId: 2 },
        { firstPage: 0x10000n, numberOfPages: 8, rangeAttributes: MmioRangeAttribute.IS_MEM_ATTR_UPDATABLE, rangeId: 3 },
        { firstPage: 0x20000n, numberOfPages: 8, rangeAttributes: MmioRangeAttribute.IS_MEM_ATTR_UPDATABLE, rangeId: 4 },
      ],
      deviceSpecificInfo: new Uint8Array([...new TextEncoder().encode('tdisp_dev_emu'), 0, 0, 0]),
    });
    expectBytes(encodeDeviceInterfaceReport(d.message), bytes);
  });
});
