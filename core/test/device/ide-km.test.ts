import { describe, expect, it } from 'vitest';
import { defaultDevice, idekm, KpAckStatus, SpdmErrorCode, spdmEmuSample, TdispDevice, TdispErrorCode } from '../../src/index.js';
import { errorCodeOf, IFV, ideKm, KEY, keySubStream, SUB_STREAMS, secureStream, spdmExchange, Tdi } from './helpers.js';

const PF = 0x0100;
const PR = keySubStream('RX', 0);

function keyProg(device: TdispDevice, fields: { streamId?: number; portIndex?: number; subStream?: number; keySet?: 'K0' | 'K1' } = {}) {
  const { streamId = 0, portIndex = 0, subStream = 0, keySet = 'K0' } = fields;
  return ideKm(device, { objectId: 'KEY_PROG', streamId, keySubStream: { keySet, direction: 'RX', subStream }, portIndex, key: KEY, ifv: IFV });
}

describe('IDE_KM QUERY', () => {
  it('answers QUERY_RESP with the DSM’s bus, device/function, segment, max_port_index and register block', () => {
    const device = new TdispDevice({ ...defaultDevice(), segment: 0x12 });
    expect(ideKm(device, { objectId: 'QUERY', portIndex: 0 })).toEqual({
      objectId: 'QUERY_RESP',
      portIndex: 0,
      devFuncNum: 0x00,
      busNum: 0x01,
      segment: 0x12,
      maxPortIndex: 0,
      ideRegisterBlock: new Array(13).fill(0),
    });
  });

  it('the spdm-emu sample’s QUERY_RESP is 303 bytes (74 DW), max_port_index 7', () => {
    const r = spdmExchange(new TdispDevice(spdmEmuSample()), 'IDE_KM', idekm.encode({ objectId: 'QUERY', portIndex: 1 }));
    if (r.code !== 'VENDOR_DEFINED_RESPONSE') throw new Error(r.code);
    expect(r.payload).toHaveLength(303);
    expect(idekm.decode(r.payload).message).toMatchObject({ objectId: 'QUERY_RESP', portIndex: 1, busNum: 0xbe, devFuncNum: 0xe8, maxPortIndex: 7 });
  });

  it('a port past max_port_index is an SPDM ERROR InvalidRequest', () => {
    expect(ideKm(new TdispDevice(defaultDevice()), { objectId: 'QUERY', portIndex: 1 })).toEqual({ spdmError: SpdmErrorCode.InvalidRequest });
  });
});

describe('IDE_KM KEY_PROG', () => {
  const status = (r: ReturnType<typeof ideKm>) => ('objectId' in r && r.objectId === 'KP_ACK' ? r.status : r);

  it('acknowledges SUCCESS and echoes stream, key_sub_stream and port', () => {
    const device = new TdispDevice(spdmEmuSample());
    expect(keyProg(device, { portIndex: 1, keySet: 'K1' })).toEqual({
      objectId: 'KP_ACK',
      streamId: 0,
      status: KpAckStatus.SUCCESS,
      keySubStream: { keySet: 'K1', direction: 'RX', subStream: 0 },
      portIndex: 1,
    });
  });

  it('a port past max_port_index is UNSUPPORTED_PORT_INDEX', () => {
    expect(status(keyProg(new TdispDevice(defaultDevice()), { portIndex: 1 }))).toBe(KpAckStatus.UNSUPPORTED_PORT_INDEX);
  });

  it('a sub-stream other than PR/NPR/CPL, or a stream the port does not have, is UNSUPPORTED_VALUE', () => {
    const device = new TdispDevice(defaultDevice());
    expect(status(keyProg(device, { subStream: 3 }))).toBe(KpAckStatus.UNSUPPORTED_VALUE);
    expect(status(keyProg(device, { streamId: 9 }))).toBe(KpAckStatus.UNSUPPORTED_VALUE);
  });

  it('a KEY_PROG of the wrong length is INCORRECT_LENGTH, still echoing its stream', () => {
    const device = new TdispDevice(defaultDevice());
    const full = idekm.encode({ objectId: 'KEY_PROG', streamId: 0, keySubStream: PR, portIndex: 0, key: KEY, ifv: IFV });
    for (const bytes of [full.subarray(0, 20), Uint8Array.from([...full, 0])]) {
      const r = spdmExchange(device, 'IDE_KM', bytes);
      if (r.code !== 'VENDOR_DEFINED_RESPONSE') throw new Error(r.code);
      expect(idekm.decode(r.payload).message).toMatchObject({ objectId: 'KP_ACK', status: KpAckStatus.INCORRECT_LENGTH, streamId: 0, portIndex: 0 });
    }
  });

  it('a message too short to name a stream, or a response object sent as a request, is an SPDM ERROR', () => {
    const device = new TdispDevice(defaultDevice());
    expect(spdmExchange(device, 'IDE_KM', Uint8Array.of(0x02, 0, 0))).toMatchObject({ code: 'ERROR', errorCode: SpdmErrorCode.InvalidRequest });
    const ack = idekm.encode({ objectId: 'KP_ACK', streamId: 0, status: 0, keySubStream: PR, portIndex: 0 });
    expect(spdmExchange(device, 'IDE_KM', ack)).toMatchObject({ code: 'ERROR', errorCode: SpdmErrorCode.InvalidRequest });
  });
});

describe('IDE_KM K_SET_GO / K_SET_STOP', () => {
  it('answer K_SET_GOSTOP_ACK echoing the target', () => {
    const device = new TdispDevice(defaultDevice());
    for (const objectId of ['K_SET_GO', 'K_SET_STOP'] as const) {
      expect(ideKm(device, { objectId, streamId: 0, keySubStream: PR, portIndex: 0 })).toEqual({ objectId: 'K_SET_GOSTOP_ACK', streamId: 0, keySubStream: PR, portIndex: 0 });
    }
  });

  it('on a port, stream or sub-stream the device does not have is an SPDM ERROR (they carry no status)', () => {
    const device = new TdispDevice(defaultDevice());
    expect(ideKm(device, { objectId: 'K_SET_GO', streamId: 0, keySubStream: PR, portIndex: 3 })).toEqual({ spdmError: SpdmErrorCode.InvalidRequest });
    expect(ideKm(device, { objectId: 'K_SET_GO', streamId: 5, keySubStream: PR, portIndex: 0 })).toEqual({ spdmError: SpdmErrorCode.InvalidRequest });
    expect(ideKm(device, { objectId: 'K_SET_STOP', streamId: 0, keySubStream: keySubStream('TX', 4), portIndex: 0 })).toEqual({ spdmError: SpdmErrorCode.InvalidRequest });
  });
});

describe('stream security', () => {
  const lockCode = (device: TdispDevice) => {
    const tdi = new Tdi(device, PF);
    const m = tdi.lock();
    return m.messageType === 'LOCK_INTERFACE_RESPONSE' ? 'locked' : errorCodeOf(m);
  };
  const prog = (device: TdispDevice, k: (typeof SUB_STREAMS)[number]) =>
    ideKm(device, { objectId: 'KEY_PROG', streamId: 0, keySubStream: k, portIndex: 0, key: KEY, ifv: IFV });
  const go = (device: TdispDevice, k: (typeof SUB_STREAMS)[number]) => ideKm(device, { objectId: 'K_SET_GO', streamId: 0, keySubStream: k, portIndex: 0 });

  it('a stream is secure only when all six sub-streams are programmed and set to go', () => {
    for (let skip = 0; skip < 6; skip++) {
      const progOnly = new TdispDevice(defaultDevice());
      const goOnly = new TdispDevice(defaultDevice());
      SUB_STREAMS.forEach((k, i) => {
        prog(progOnly, k);
        go(goOnly, k);
        if (i !== skip) {
          go(progOnly, k);
          prog(goOnly, k);
        }
      });
      expect(lockCode(progOnly), `sub-stream ${skip} not set to go`).toBe(TdispErrorCode.INVALID_REQUEST);
      expect(lockCode(goOnly), `sub-stream ${skip} not programmed`).toBe(TdispErrorCode.INVALID_REQUEST);
    }
    const device = new TdispDevice(defaultDevice());
    secureStream(device, 0);
    expect(lockCode(device)).toBe('locked');
  });

  it('GO before KEY_PROG counts once both happened ([E] accepts GO first)', () => {
    const device = new TdispDevice(defaultDevice());
    SUB_STREAMS.forEach((k) => go(device, k));
    SUB_STREAMS.forEach((k) => prog(device, k));
    expect(lockCode(device)).toBe('locked');
  });

  it('keys on another port do not secure the TDIs’ stream (port 0 carries their traffic)', () => {
    const device = new TdispDevice(spdmEmuSample());
    device.apply({ kind: 'IDE_STREAM_INSECURE', portIndex: 0, streamId: 0 });
    secureStream(device, 0, 1);
    const tdi = new Tdi(device, 0xbeef);
    expect(errorCodeOf(tdi.lock())).toBe(TdispErrorCode.INVALID_REQUEST);
  });

  it('the spdm-emu sample starts with stream 0 secure, so its LOCK needs no IDE_KM', () => {
    expect(new Tdi(new TdispDevice(spdmEmuSample()), 0xbeef).lock().messageType).toBe('LOCK_INTERFACE_RESPONSE');
  });

  it.each(['CONFIG_LOCKED', 'RUN'] as const)('K_SET_STOP of the active key set sends a %s TDI bound to the stream to ERROR', (state) => {
    const device = new TdispDevice(defaultDevice());
    secureStream(device, 0);
    const tdi = new Tdi(device, PF);
    if (state === 'RUN') tdi.run();
    else tdi.lockOk();
    ideKm(device, { objectId: 'K_SET_STOP', streamId: 0, keySubStream: keySubStream('TX', 2), portIndex: 0 });
    expect(tdi.state()).toBe('ERROR');
    expect(lockCode(device)).toBe(TdispErrorCode.INVALID_INTERFACE_STATE);
    tdi.stop();
    expect(lockCode(device)).toBe(TdispErrorCode.INVALID_REQUEST);
  });

  it('K_SET_STOP of a key set that is not active leaves the stream secure and the TDI running', () => {
    const device = new TdispDevice(defaultDevice());
    secureStream(device, 0);
    const tdi = new Tdi(device, PF);
    tdi.run();
    ideKm(device, { objectId: 'K_SET_STOP', streamId: 0, keySubStream: keySubStream('RX', 0, 'K1'), portIndex: 0 });
    expect(tdi.state()).toBe('RUN');
  });

  it('switching every sub-stream to a programmed K1 keeps the stream secure', () => {
    const device = new TdispDevice(defaultDevice());
    secureStream(device, 0);
    const tdi = new Tdi(device, PF);
    tdi.run();
    secureStream(device, 0, 0, 'K1');
    SUB_STREAMS.forEach((k) => ideKm(device, { objectId: 'K_SET_STOP', streamId: 0, keySubStream: { ...k, keySet: 'K0' }, portIndex: 0 }));
    expect(tdi.state()).toBe('RUN');
  });

  it('an IDE_STREAM_INSECURE event drops the keys: LOCK fails until the stream is programmed again', () => {
    const device = new TdispDevice(defaultDevice());
    secureStream(device, 0);
    device.apply({ kind: 'IDE_STREAM_INSECURE', portIndex: 0, streamId: 0 });
    expect(lockCode(device)).toBe(TdispErrorCode.INVALID_REQUEST);
    secureStream(device, 0);
    expect(lockCode(device)).toBe('locked');
  });
});
