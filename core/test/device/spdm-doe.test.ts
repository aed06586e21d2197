import { describe, expect, it } from 'vitest';
import {
  decodeDoe,
  decodeWith,
  DoeDataObjectType,
  doeDiscoveryRequestCodec,
  doeDiscoveryResponseCodec,
  encodeDoe,
  encodeWith,
  fromHex,
  idekm,
  pciSigVendorMessage,
  spdm,
  spdmDataObject,
  spdmEmuSample,
  SpdmErrorCode,
  tdisp,
  TdispDevice,
  TdispErrorCode,
  toHex,
} from '../../src/index.js';

/** tdisp-wire §8: GET_VERSION to 0xbeef in an SPDM 1.2 VDM. */
const GET_VERSION_VDM = '12fe0000030002010011000110810000efbe00000000000000000000';
const VERSION_VDM = '127e0000030002010013000110010000efbe000000000000000000000110';
/** tdisp-wire §8: IDE_KM QUERY (port 1) in a VDM: 15 bytes, so its DOE object carries a pad byte. */
const QUERY_VDM = '12fe00000300020100040000000001';

const sample = () => new TdispDevice(spdmEmuSample());
const spdmAnswer = (device: TdispDevice, hex: string) => spdm.decode(device.handleSpdm(fromHex(hex))).message;

describe('the SPDM vendor-defined wrapper', () => {
  it('answers the derived GET_VERSION byte for byte', () => {
    expect(toHex(sample().handleSpdm(fromHex(GET_VERSION_VDM)))).toBe(VERSION_VDM);
  });

  it('echoes spdm_version and the protocol id', () => {
    const device = sample();
    const payload = tdisp.encode({ version: 0x10, messageType: 'GET_DEVICE_INTERFACE_STATE', interfaceId: device.interfaceId(0xbeef) });
    const r = spdm.decode(device.handleSpdm(spdm.encode(pciSigVendorMessage('VENDOR_DEFINED_REQUEST', 'TDISP', payload, 0x11)))).message;
    expect(r).toMatchObject({ spdmVersion: 0x11, code: 'VENDOR_DEFINED_RESPONSE', standardId: 3, protocolId: 1 });
    expect(tdisp.decode((r as { payload: Uint8Array }).payload).message).toMatchObject({ messageType: 'DEVICE_INTERFACE_STATE', tdiState: 0 });
  });

  it('carries TDISP errors as TDISP_ERROR, not SPDM ERROR', () => {
    const r = spdmAnswer(sample(), '12fe00000300020100110001' + '10990000efbe00000000000000000000');
    if (r.code !== 'VENDOR_DEFINED_RESPONSE') throw new Error(r.code);
    expect(tdisp.decode(r.payload).message).toMatchObject({ messageType: 'TDISP_ERROR', errorCode: TdispErrorCode.UNSUPPORTED_REQUEST, errorData: 0x99 });
  });

  it.each([
    ['a truncated wrapper', '12fe000003000201'],
    ['payload_length disagreeing with the bytes', '12fe0000030002010012000110810000efbe00000000000000000000'],
    ['another registry', '12fe0000040002010011000110810000efbe00000000000000000000'],
    ['another vendor', '12fe0000030002020011000110810000efbe00000000000000000000'],
    ['an unregistered protocol', '12fe0000030002010011000210810000efbe00000000000000000000'],
    ['a response code', '127e0000030002010011000110810000efbe00000000000000000000'],
    ['a TDISP request shorter than its header', '12fe000003000201000300011081'],
    ['an IDE_KM failure', '12fe000003000201000400000000' + '09'],
  ])('answers %s with SPDM ERROR InvalidRequest at the request’s version', (_, hex) => {
    expect(spdmAnswer(sample(), hex)).toMatchObject({ spdmVersion: 0x12, code: 'ERROR', errorCode: SpdmErrorCode.InvalidRequest });
  });

  it('answers bytes that are no SPDM message at all with ERROR InvalidRequest (SPDM 1.2)', () => {
    expect(spdmAnswer(sample(), '')).toMatchObject({ spdmVersion: 0x12, code: 'ERROR', errorCode: SpdmErrorCode.InvalidRequest });
  });
});

describe('the DOE mailbox', () => {
  const discover = (index: number) => {
    const payload = encodeWith(doeDiscoveryRequestCodec, { index, version: 0 });
    return sample().doe.exchange(encodeDoe({ vendorId: 1, dataObjectType: DoeDataObjectType.DOE_DISCOVERY, payload }));
  };

  it('DOE Discovery lists DOE_DISCOVERY, SPDM and SECURED_SPDM at indices 0..2, the last with next_index 0', () => {
    const entries = [0, 1, 2].map((i) => {
      const r = discover(i);
      if (!r.ok) throw new Error(r.detail);
      const object = decodeDoe(r.response).message;
      expect(object.dataObjectType).toBe(DoeDataObjectType.DOE_DISCOVERY);
      return decodeWith(doeDiscoveryResponseCodec, 'doe', object.payload).message;
    });
    expect(entries).toEqual([
      { vendorId: 1, dataObjectType: 0, nextIndex: 1 },
      { vendorId: 1, dataObjectType: 1, nextIndex: 2 },
      { vendorId: 1, dataObjectType: 2, nextIndex: 0 },
    ]);
  });

  it('an index past the last protocol is a DOE failure ([E])', () => {
    expect(discover(3)).toMatchObject({ ok: false, reason: 'invalid-discovery-index' });
  });

  it('carries SPDM objects: the derived DOE header, and the answer wrapped the same way', () => {
    const request = encodeDoe(spdmDataObject(fromHex(GET_VERSION_VDM)));
    expect(toHex(request.subarray(0, 8))).toBe('0100010009000000');
    const r = sample().doe.exchange(request);
    if (!r.ok) throw new Error(r.detail);
    expect(toHex(r.response)).toBe(toHex(encodeDoe(spdmDataObject(fromHex(VERSION_VDM)))));
  });

  it('strips the DW padding of an SPDM object before SPDM sees it', () => {
    const query = fromHex(QUERY_VDM);
    const request = encodeDoe(spdmDataObject(query));
    expect(request.length).toBe(8 + 16);
    const r = sample().doe.exchange(request);
    if (!r.ok) throw new Error(r.detail);
    const answer = spdm.decode(decodeDoe(r.response).message.payload.subarray(0, 12 + 303)).message;
    if (answer.code !== 'VENDOR_DEFINED_RESPONSE') throw new Error(answer.code);
    expect(idekm.decode(answer.payload).message.objectId).toBe('QUERY_RESP');
  });

  it.each([
    ['malformed', '01000100030000000000'],
    ['malformed', '0100010005000000' + GET_VERSION_VDM],
    ['unsupported-vendor', '2222010003000000deadbeef'],
    ['unsupported-type', '0100020003000000deadbeef'],
    ['unsupported-type', '0100030003000000deadbeef'],
    ['malformed', '0100000004000000' + '0000000000000000'],
  ])('%s objects are a typed DOE failure, not a crash (%s)', (reason, hex) => {
    expect(sample().doe.exchange(fromHex(hex))).toMatchObject({ ok: false, reason });
  });
});
