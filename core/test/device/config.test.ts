import { describe, expect, it } from 'vitest';
import {
  type DeviceConfig,
  DeviceConfigError,
  defaultDevice,
  type FunctionConfig,
  IMPLEMENTED_REQUESTS,
  reqMsgSupported,
  spdmEmuSample,
  TdispDevice,
  toHex,
} from '../../src/index.js';
import { Tdi } from './helpers.js';

describe('req_msg_supported (bit index = code − 0x80)', () => {
  it('gives 0xFE in byte 0 for 0x81..0x87 and 0x4A for {0x81, 0x83, 0x86} ([C] tests)', () => {
    const base = spdmEmuSample().capabilities.supportedRequests;
    expect(toHex(reqMsgSupported(base))).toBe('fe' + '00'.repeat(15));
    expect(reqMsgSupported(['GET_TDISP_VERSION', 'LOCK_INTERFACE_REQUEST', 'START_INTERFACE_REQUEST'])[0]).toBe(0x4a);
  });

  it('puts 0x88..0x8A in byte 1', () => {
    expect(toHex(reqMsgSupported(IMPLEMENTED_REQUESTS).subarray(0, 2))).toBe('fe07');
  });

  it('is what TDISP_CAPABILITIES reports', () => {
    const m = new Tdi(new TdispDevice(defaultDevice()), 0x0100).send('GET_TDISP_CAPABILITIES', { tsmCaps: 0 });
    expect(m).toMatchObject({ messageType: 'TDISP_CAPABILITIES', lockInterfaceFlagsSupported: 0x1f, devAddrWidth: 52, numReqThis: 1, numReqAll: 1 });
    expect(toHex((m as { reqMsgSupported: Uint8Array }).reqMsgSupported)).toBe('fe07' + '00'.repeat(14));
  });
});

describe('configuration checks', () => {
  const withFunction = (change: (fn: FunctionConfig) => FunctionConfig): DeviceConfig => {
    const config = defaultDevice();
    const [pf, ...rest] = config.functions;
    if (!pf) throw new Error('preset changed');
    return { ...config, functions: [change(pf), ...rest] };
  };

  it('accepts the presets', () => {
    expect(() => new TdispDevice(defaultDevice())).not.toThrow();
    expect(() => new TdispDevice(spdmEmuSample())).not.toThrow();
  });

  it.each<[string, DeviceConfig]>([
    ['functions[0]', { ...defaultDevice(), functions: [] }],
    ['functions[0]', { ...defaultDevice(), functions: [{ requesterId: 0x0101, bars: [] }] }],
    ['functions', { ...defaultDevice(), functions: [{ requesterId: 0x0100, bars: [] }, { requesterId: 0x0100, bars: [] }] }],
    ['functions[1].pf', { ...defaultDevice(), functions: [{ requesterId: 0x0100, bars: [] }, { requesterId: 0x0101, pf: 0x0102, bars: [] }] }],
    ['functions[0].bars[0].size', withFunction((f) => ({ ...f, bars: [{ index: 0, address: 0n, size: 0x3000n }] }))],
    ['functions[0].bars[0].address', withFunction((f) => ({ ...f, bars: [{ index: 0, address: 0x1800n, size: 0x1000n }] }))],
    ['functions[0].bars[0].address', withFunction((f) => ({ ...f, bars: [{ index: 0, address: 0x1_0000_0000n, size: 0x1000n }] }))],
    ['functions[0].bars[0].index', withFunction((f) => ({ ...f, bars: [{ index: 5, address: 0n, size: 0x1000n, is64Bit: true }] }))],
    ['functions[0].bars[1].index', withFunction((f) => ({ ...f, bars: [{ index: 0, address: 0n, size: 0x1000n, is64Bit: true }, { index: 1, address: 0x1000n, size: 0x1000n }] }))],
    ['functions[0].msix.pba', withFunction((f) => ({ ...f, msix: { table: { bar: 0, offset: 0n, size: 0x10n }, pba: { bar: 0, offset: 0x10_0000n, size: 8n } } }))],
    ['functions[0].msix.table.bar', withFunction((f) => ({ ...f, msix: { table: { bar: 1, offset: 0n, size: 0x10n }, pba: { bar: 0, offset: 0n, size: 8n } } }))],
    ['functions[0].deviceSpecificInfo', withFunction((f) => ({ ...f, deviceSpecificInfo: 'xyz' }))],
    ['capabilities.supportedRequests[0]', { ...defaultDevice(), capabilities: { ...defaultDevice().capabilities, supportedRequests: ['VDM_REQUEST'] } }],
    ['maxReportPortion', { ...defaultDevice(), maxReportPortion: 0 }],
    ['ide.secureAtReset[0]', { ...defaultDevice(), ide: { ...defaultDevice().ide, secureAtReset: [3] } }],
  ])('refuses a device no hardware could be (%s)', (path, config) => {
    expect(() => new TdispDevice(config)).toThrow(expect.objectContaining({ name: DeviceConfigError.name, path }) as Error);
  });

  it('copies the configuration: changing the caller’s object later changes nothing', () => {
    const config = spdmEmuSample();
    const device = new TdispDevice(config);
    config.capabilities.devAddrWidth = 64;
    expect(device.config.capabilities.devAddrWidth).toBe(48);
  });
});
