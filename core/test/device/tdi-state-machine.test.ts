import { describe, expect, it } from 'vitest';
import { decodeDeviceInterfaceReport, defaultDevice, LockInterfaceFlag, MmioRangeAttribute, spdmEmuSample, TdispDevice, TdispErrorCode } from '../../src/index.js';
import { errorCodeOf, readyDevice, Tdi } from './helpers.js';

const PF = 0x0100;
const VF = 0x0101;

/** A TDI of the default device (stream 0 secure), brought to `state`. */
function tdiIn(state: 'CONFIG_UNLOCKED' | 'CONFIG_LOCKED' | 'RUN' | 'ERROR', config = defaultDevice()): Tdi {
  const tdi = new Tdi(readyDevice(config), PF);
  if (state === 'CONFIG_LOCKED') tdi.lockOk();
  if (state === 'RUN') tdi.run();
  if (state === 'ERROR') {
    tdi.lockOk();
    tdi.device.apply({ kind: 'DEVICE_ERROR', requesterId: PF });
  }
  expect(tdi.state()).toBe(state);
  return tdi;
}

const STATES = ['CONFIG_UNLOCKED', 'CONFIG_LOCKED', 'RUN', 'ERROR'] as const;

describe('LOCK_INTERFACE_REQUEST', () => {
  it('moves CONFIG_UNLOCKED to CONFIG_LOCKED and returns a 32-byte nonce', () => {
    const tdi = tdiIn('CONFIG_UNLOCKED');
    expect(tdi.lockOk()).toHaveLength(32);
    expect(tdi.state()).toBe('CONFIG_LOCKED');
  });

  it('a second LOCK is INVALID_INTERFACE_STATE and keeps the first nonce valid', () => {
    const tdi = tdiIn('CONFIG_UNLOCKED');
    const nonce = tdi.lockOk();
    expect(errorCodeOf(tdi.lock())).toBe(TdispErrorCode.INVALID_INTERFACE_STATE);
    expect(tdi.state()).toBe('CONFIG_LOCKED');
    expect(tdi.start(nonce).messageType).toBe('START_INTERFACE_RESPONSE');
  });

  it.each(['RUN', 'ERROR'] as const)('from %s is INVALID_INTERFACE_STATE', (state) => {
    const tdi = tdiIn(state);
    expect(errorCodeOf(tdi.lock())).toBe(TdispErrorCode.INVALID_INTERFACE_STATE);
    expect(tdi.state()).toBe(state);
  });

  it('flags outside lock_interface_flags_supported are INVALID_REQUEST (reserved bits included)', () => {
    const sample = new Tdi(new TdispDevice(spdmEmuSample()), 0xbeef);
    expect(errorCodeOf(sample.lock({ flags: LockInterfaceFlag.BIND_P2P }))).toBe(TdispErrorCode.INVALID_REQUEST);
    const tdi = tdiIn('CONFIG_UNLOCKED');
    expect(errorCodeOf(tdi.lock({ flags: 0x0020 }))).toBe(TdispErrorCode.INVALID_REQUEST);
    expect(tdi.state()).toBe('CONFIG_UNLOCKED');
    expect(sample.state()).toBe('CONFIG_UNLOCKED');
  });

  it('without a secure default stream is INVALID_REQUEST and stays CONFIG_UNLOCKED', () => {
    const tdi = new Tdi(new TdispDevice(defaultDevice()), PF);
    expect(errorCodeOf(tdi.lock())).toBe(TdispErrorCode.INVALID_REQUEST);
    expect(tdi.state()).toBe('CONFIG_UNLOCKED');
    const ready = tdiIn('CONFIG_UNLOCKED');
    expect(errorCodeOf(ready.lock({ defaultStreamId: 1 }))).toBe(TdispErrorCode.INVALID_REQUEST);
  });

  it('with a BAR overlapping another function’s is INVALID_DEVICE_CONFIGURATION', () => {
    const tdi = tdiIn('CONFIG_UNLOCKED');
    tdi.device.apply({ kind: 'BAR_WRITE', requesterId: VF, bar: 0, address: 0x38_0000_0000n });
    expect(errorCodeOf(tdi.lock())).toBe(TdispErrorCode.INVALID_DEVICE_CONFIGURATION);
    expect(tdi.state()).toBe('CONFIG_UNLOCKED');
    tdi.device.apply({ kind: 'BAR_WRITE', requesterId: VF, bar: 0, address: 0x40_0000_0000n });
    expect(tdi.lock().messageType).toBe('LOCK_INTERFACE_RESPONSE');
  });

  it('with an entropy failure is INSUFFICIENT_ENTROPY, stays CONFIG_UNLOCKED, and the next LOCK works', () => {
    const tdi = tdiIn('CONFIG_UNLOCKED');
    tdi.device.apply({ kind: 'ENTROPY_FAILURE' });
    expect(errorCodeOf(tdi.lock())).toBe(TdispErrorCode.INSUFFICIENT_ENTROPY);
    expect(tdi.state()).toBe('CONFIG_UNLOCKED');
    expect(tdi.lock().messageType).toBe('LOCK_INTERFACE_RESPONSE');
  });
});

describe('START_INTERFACE_REQUEST', () => {
  it('with a wrong nonce is INVALID_NONCE and keeps CONFIG_LOCKED; the LOCK nonce then starts', () => {
    const tdi = tdiIn('CONFIG_UNLOCKED');
    const nonce = tdi.lockOk();
    const wrong = nonce.slice();
    wrong[31] = (wrong[31] as number) ^ 1;
    expect(errorCodeOf(tdi.start(wrong))).toBe(TdispErrorCode.INVALID_NONCE);
    expect(tdi.state()).toBe('CONFIG_LOCKED');
    expect(tdi.start(nonce).messageType).toBe('START_INTERFACE_RESPONSE');
    expect(tdi.state()).toBe('RUN');
  });

  it.each(['CONFIG_UNLOCKED', 'RUN', 'ERROR'] as const)('from %s is INVALID_INTERFACE_STATE', (state) => {
    const tdi = tdiIn(state);
    expect(errorCodeOf(tdi.start(new Uint8Array(32)))).toBe(TdispErrorCode.INVALID_INTERFACE_STATE);
    expect(tdi.state()).toBe(state);
  });

  it('the nonce of an earlier lock does not start a later one', () => {
    const tdi = tdiIn('CONFIG_UNLOCKED');
    const old = tdi.lockOk();
    tdi.stop();
    const fresh = tdi.lockOk();
    expect(fresh).not.toEqual(old);
    expect(errorCodeOf(tdi.start(old))).toBe(TdispErrorCode.INVALID_NONCE);
  });
});

describe('STOP_INTERFACE_REQUEST', () => {
  it.each(STATES)('from %s answers STOP_INTERFACE_RESPONSE and leaves CONFIG_UNLOCKED', (state) => {
    const tdi = tdiIn(state);
    expect(tdi.stop().messageType).toBe('STOP_INTERFACE_RESPONSE');
    expect(tdi.state()).toBe('CONFIG_UNLOCKED');
  });

  it('scrubs the report and the nonce', () => {
    const tdi = tdiIn('CONFIG_UNLOCKED');
    const nonce = tdi.lockOk();
    tdi.stop();
    expect(errorCodeOf(tdi.report(0, 0xffff))).toBe(TdispErrorCode.INVALID_INTERFACE_STATE);
    expect(errorCodeOf(tdi.start(nonce))).toBe(TdispErrorCode.INVALID_INTERFACE_STATE);
  });
});

describe('requests legal in every state', () => {
  it.each(STATES)('GET_TDISP_VERSION, GET_TDISP_CAPABILITIES and GET_DEVICE_INTERFACE_STATE in %s change nothing', (state) => {
    const tdi = tdiIn(state);
    expect(tdi.send('GET_TDISP_VERSION', {})).toMatchObject({ messageType: 'TDISP_VERSION', versionNumEntries: [0x10] });
    expect(tdi.send('GET_TDISP_CAPABILITIES', { tsmCaps: 0 }).messageType).toBe('TDISP_CAPABILITIES');
    expect(tdi.state()).toBe(state);
  });
});

describe('GET_DEVICE_INTERFACE_REPORT', () => {
  it.each(['CONFIG_UNLOCKED', 'ERROR'] as const)('in %s is INVALID_INTERFACE_STATE', (state) => {
    expect(errorCodeOf(tdiIn(state).report(0, 0x40))).toBe(TdispErrorCode.INVALID_INTERFACE_STATE);
  });

  it.each(['CONFIG_LOCKED', 'RUN'] as const)('in %s serves the report', (state) => {
    expect(tdiIn(state).report(0, 0x40).messageType).toBe('DEVICE_INTERFACE_REPORT');
  });
});

describe('requests legal only in RUN', () => {
  const range = (tdi: Tdi, id: number) => {
    const r = decodeDeviceInterfaceReport(tdi.fullReport()).message.mmioRanges.find((m) => m.rangeId === id);
    if (!r) throw new Error(`no range ${id}`);
    return r;
  };

  it.each(['CONFIG_UNLOCKED', 'CONFIG_LOCKED', 'ERROR'] as const)('BIND/UNBIND_P2P and SET_MMIO_ATTRIBUTE in %s are INVALID_INTERFACE_STATE', (state) => {
    const tdi = tdiIn(state);
    const mmioRange = { firstPage: 0n, numberOfPages: 1, rangeAttributes: 0, rangeId: 2 };
    expect(errorCodeOf(tdi.send('BIND_P2P_STREAM_REQUEST', { p2pStreamId: 1 }))).toBe(TdispErrorCode.INVALID_INTERFACE_STATE);
    expect(errorCodeOf(tdi.send('UNBIND_P2P_STREAM_REQUEST', { p2pStreamId: 1 }))).toBe(TdispErrorCode.INVALID_INTERFACE_STATE);
    expect(errorCodeOf(tdi.send('SET_MMIO_ATTRIBUTE_REQUEST', { mmioRange }))).toBe(TdispErrorCode.INVALID_INTERFACE_STATE);
  });

  it('BIND_P2P needs the BIND_P2P lock flag; UNBIND needs a bound stream', () => {
    const without = tdiIn('RUN');
    expect(errorCodeOf(without.send('BIND_P2P_STREAM_REQUEST', { p2pStreamId: 1 }))).toBe(TdispErrorCode.INVALID_REQUEST);
    const tdi = new Tdi(readyDevice(defaultDevice()), PF);
    tdi.run({ flags: LockInterfaceFlag.BIND_P2P });
    expect(errorCodeOf(tdi.send('UNBIND_P2P_STREAM_REQUEST', { p2pStreamId: 1 }))).toBe(TdispErrorCode.INVALID_REQUEST);
    expect(tdi.send('BIND_P2P_STREAM_REQUEST', { p2pStreamId: 1 }).messageType).toBe('BIND_P2P_STREAM_RESPONSE');
    expect(tdi.send('UNBIND_P2P_STREAM_REQUEST', { p2pStreamId: 1 }).messageType).toBe('UNBIND_P2P_STREAM_RESPONSE');
    expect(errorCodeOf(tdi.send('UNBIND_P2P_STREAM_REQUEST', { p2pStreamId: 1 }))).toBe(TdispErrorCode.INVALID_REQUEST);
  });

  it('SET_MMIO_ATTRIBUTE updates IS_NON_TEE_MEM of an updatable range in the report', () => {
    const tdi = tdiIn('RUN');
    const bar2 = range(tdi, 2);
    const nonTee = { ...bar2, rangeAttributes: MmioRangeAttribute.IS_NON_TEE_MEM };
    expect(tdi.send('SET_MMIO_ATTRIBUTE_REQUEST', { mmioRange: nonTee }).messageType).toBe('SET_MMIO_ATTRIBUTE_RESPONSE');
    expect(range(tdi, 2).rangeAttributes).toBe(MmioRangeAttribute.IS_NON_TEE_MEM | MmioRangeAttribute.IS_MEM_ATTR_UPDATABLE);
    tdi.send('SET_MMIO_ATTRIBUTE_REQUEST', { mmioRange: { ...bar2, rangeAttributes: 0 } });
    expect(range(tdi, 2).rangeAttributes).toBe(MmioRangeAttribute.IS_MEM_ATTR_UPDATABLE);
  });

  it('SET_MMIO_ATTRIBUTE on a range not marked IS_MEM_ATTR_UPDATABLE, or not reported, is INVALID_REQUEST', () => {
    const tdi = tdiIn('RUN');
    const bar0 = range(tdi, 0);
    const nonTee = MmioRangeAttribute.IS_NON_TEE_MEM;
    expect(errorCodeOf(tdi.send('SET_MMIO_ATTRIBUTE_REQUEST', { mmioRange: { ...bar0, rangeAttributes: nonTee } }))).toBe(TdispErrorCode.INVALID_REQUEST);
    const bar2 = range(tdi, 2);
    const moved = { ...bar2, firstPage: bar2.firstPage + 1n, rangeAttributes: nonTee };
    expect(errorCodeOf(tdi.send('SET_MMIO_ATTRIBUTE_REQUEST', { mmioRange: moved }))).toBe(TdispErrorCode.INVALID_REQUEST);
    expect(range(tdi, 2).rangeAttributes).toBe(MmioRangeAttribute.IS_MEM_ATTR_UPDATABLE);
  });
});
