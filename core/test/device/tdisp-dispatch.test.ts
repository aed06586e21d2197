import { describe, expect, it } from 'vitest';
import { fromHex, interfaceIdOf, spdmEmuSample, tdisp, TdispDevice, TdispErrorCode, TdispTransportError, toHex } from '../../src/index.js';
import { request } from './helpers.js';

/** The sample TDI, function_id 0xbeef; requests as hex (tdisp-wire §8 layouts). */
const HEADER_REST = `0000efbe0000${'00'.repeat(8)}`;
const hdr = (version: string, type: string) => `${version}${type}${HEADER_REST}`;

function answer(hex: string) {
  const device = new TdispDevice(spdmEmuSample());
  const bytes = device.handleTdisp(fromHex(hex));
  return { bytes, message: tdisp.decode(bytes).message };
}

function errorOf(hex: string): { code: number; data: number; version: number } {
  const { message } = answer(hex);
  if (message.messageType !== 'TDISP_ERROR') throw new Error(`expected TDISP_ERROR, got ${message.messageType}`);
  return { code: message.errorCode, data: message.errorData, version: message.version };
}

describe('TDISP request checks, in [E] order', () => {
  it('a request shorter than the 16-byte header is a transport error, not a TDISP_ERROR', async () => {
    const device = new TdispDevice(spdmEmuSample());
    expect(() => device.handleTdisp(fromHex('1085'))).toThrow(TdispTransportError);
    await expect(device.exchange(new Uint8Array(15))).rejects.toBeInstanceOf(TdispTransportError);
  });

  it('an unknown message type is UNSUPPORTED_REQUEST with error_data = the type', () => {
    expect(errorOf(hdr('10', '99'))).toMatchObject({ code: TdispErrorCode.UNSUPPORTED_REQUEST, data: 0x99 });
    // A response code sent as a request is no request either.
    expect(errorOf(hdr('10', '05'))).toMatchObject({ code: TdispErrorCode.UNSUPPORTED_REQUEST, data: 0x05 });
  });

  it('a request type whose bit is not in req_msg_supported is UNSUPPORTED_REQUEST (P2P, MMIO attributes, VDM on the sample)', () => {
    for (const type of [0x88, 0x89, 0x8a, 0x8b]) {
      const body = type === 0x8a ? '00'.repeat(16) : type === 0x8b ? '0000' : '01';
      expect(errorOf(hdr('10', type.toString(16)) + body)).toMatchObject({ code: TdispErrorCode.UNSUPPORTED_REQUEST, data: type });
    }
  });

  it('a request of the wrong size for its type is INVALID_REQUEST', () => {
    expect(errorOf(`${hdr('10', '85')}00`).code).toBe(TdispErrorCode.INVALID_REQUEST);
    expect(errorOf(`${hdr('10', '83')}0700`).code).toBe(TdispErrorCode.INVALID_REQUEST);
  });

  it('a version other than 1.0 is VERSION_MISMATCH, and the ERROR echoes that version', () => {
    expect(errorOf(hdr('20', '85'))).toEqual({ code: TdispErrorCode.VERSION_MISMATCH, data: 0, version: 0x20 });
    expect(errorOf(hdr('11', '81'))).toMatchObject({ code: TdispErrorCode.VERSION_MISMATCH, version: 0x11 });
  });

  it('checks the type before the version, and the size before the version', () => {
    expect(errorOf(hdr('20', '99')).code).toBe(TdispErrorCode.UNSUPPORTED_REQUEST);
    expect(errorOf(`${hdr('20', '85')}00`).code).toBe(TdispErrorCode.INVALID_REQUEST);
  });

  it('an interface the device does not have is INVALID_INTERFACE, after the version check', () => {
    const device = new TdispDevice(spdmEmuSample());
    const code = (bytes: Uint8Array) => {
      const m = tdisp.decode(device.handleTdisp(bytes)).message;
      return m.messageType === 'TDISP_ERROR' ? m.errorCode : undefined;
    };
    expect(code(request(interfaceIdOf(0xbeee), 'GET_DEVICE_INTERFACE_STATE', {}))).toBe(TdispErrorCode.INVALID_INTERFACE);
    // Segment Valid set where the device has no segment: another interface id.
    expect(code(request(interfaceIdOf(0xbeef, 0), 'GET_DEVICE_INTERFACE_STATE', {}))).toBe(TdispErrorCode.INVALID_INTERFACE);
    // The DSM (0xbee8) of the sample is not a TDI.
    expect(code(request(interfaceIdOf(0xbee8), 'GET_TDISP_VERSION', {}))).toBe(TdispErrorCode.INVALID_INTERFACE);
    expect(errorOf('10850000eebe00000000000000000000').code).toBe(TdispErrorCode.INVALID_INTERFACE);
    expect(errorOf('20850000eebe00000000000000000000').code).toBe(TdispErrorCode.VERSION_MISMATCH);
  });

  it('non-zero reserved bytes of the interface id make another interface; the ERROR echoes function_id and zeroes them', () => {
    const { bytes, message } = answer('10850000efbe00000100000000000000');
    expect(message).toMatchObject({ messageType: 'TDISP_ERROR', errorCode: TdispErrorCode.INVALID_INTERFACE });
    expect(toHex(bytes)).toBe('107f0000efbe00000000000000000000' + '0101000000000000');
    // function_id bits 31:25 set on the sample's TDI (0xbeef): another interface too.
    expect(answer('10850000efbe00020000000000000000').message).toMatchObject({ messageType: 'TDISP_ERROR', errorCode: TdispErrorCode.INVALID_INTERFACE });
    // The same request with those bits clear is the TDI's own.
    expect(answer('10850000efbe00000000000000000000').message).toMatchObject({ messageType: 'DEVICE_INTERFACE_STATE' });
  });

  it('the ERROR copies function_id bits 31:25 too', () => {
    const { bytes } = answer('10990000efbe00fe0000000000000000');
    expect(toHex(bytes.subarray(0, 16))).toBe('107f0000efbe00fe0000000000000000');
  });

  it('the reserved bytes 2..3 of the header are not checked ([E])', () => {
    expect(answer('10850102efbe00000000000000000000').message.messageType).toBe('DEVICE_INTERFACE_STATE');
  });
});
