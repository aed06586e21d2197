import { describe, expect, it } from 'vitest';
import { type DeviceConfig, type DeviceEvent, defaultDevice, TdispDevice, TdispErrorCode } from '../../src/index.js';
import { errorCodeOf, readyDevice, Tdi } from './helpers.js';

const PF = 0x0100;

/** Events that concern the default device's PF TDI. */
const EVENTS: DeviceEvent[] = [
  { kind: 'FLR', requesterId: PF },
  { kind: 'BME_CLEAR', requesterId: PF },
  { kind: 'MSE_CLEAR', requesterId: PF },
  { kind: 'BAR_WRITE', requesterId: PF, bar: 2 },
  { kind: 'DEVICE_ERROR', requesterId: PF },
  { kind: 'IDE_STREAM_INSECURE', portIndex: 0, streamId: 0 },
];

function pfIn(state: 'CONFIG_UNLOCKED' | 'CONFIG_LOCKED' | 'RUN'): Tdi {
  const tdi = new Tdi(readyDevice(defaultDevice()), PF);
  if (state === 'CONFIG_LOCKED') tdi.lockOk();
  if (state === 'RUN') tdi.run();
  return tdi;
}

describe('device events', () => {
  it.each(EVENTS.map((e) => [e.kind, e]))('%s sends a CONFIG_LOCKED TDI to ERROR', (_, event) => {
    const tdi = pfIn('CONFIG_LOCKED');
    expect(tdi.device.apply(event)).toEqual(['01:00.0']);
    expect(tdi.state()).toBe('ERROR');
  });

  it.each(EVENTS.map((e) => [e.kind, e]))('%s sends a RUN TDI to ERROR', (_, event) => {
    const tdi = pfIn('RUN');
    tdi.device.apply(event);
    expect(tdi.state()).toBe('ERROR');
  });

  it.each(EVENTS.map((e) => [e.kind, e]))('%s leaves a CONFIG_UNLOCKED TDI CONFIG_UNLOCKED', (_, event) => {
    const tdi = pfIn('CONFIG_UNLOCKED');
    expect(tdi.device.apply(event)).toEqual([]);
    expect(tdi.state()).toBe('CONFIG_UNLOCKED');
  });

  it('ERROR is left only by STOP', () => {
    const tdi = pfIn('RUN');
    tdi.device.apply({ kind: 'DEVICE_ERROR', requesterId: PF });
    const attempts = [
      () => tdi.lock(),
      () => tdi.start(new Uint8Array(32)),
      () => tdi.report(0, 0x40),
      () => tdi.send('GET_TDISP_VERSION', {}),
      () => tdi.send('GET_TDISP_CAPABILITIES', { tsmCaps: 0 }),
      () => tdi.device.apply({ kind: 'FLR', requesterId: PF }),
    ];
    for (const attempt of attempts) {
      attempt();
      expect(tdi.state()).toBe('ERROR');
    }
    expect(errorCodeOf(tdi.lock())).toBe(TdispErrorCode.INVALID_INTERFACE_STATE);
    tdi.stop();
    expect(tdi.state()).toBe('CONFIG_UNLOCKED');
    tdi.run();
    expect(tdi.state()).toBe('RUN');
  });

  it('events on one function leave the other functions’ TDIs alone', () => {
    const device = readyDevice(defaultDevice());
    const pf = new Tdi(device, PF);
    const vf = new Tdi(device, 0x0101);
    pf.run();
    vf.run();
    device.apply({ kind: 'BME_CLEAR', requesterId: 0x0101 });
    expect([pf.state(), vf.state()]).toEqual(['RUN', 'ERROR']);
  });

  it('refuses events for functions, BARs or streams the device does not have, or a BAR address it cannot decode', () => {
    const device = new TdispDevice(defaultDevice());
    expect(() => device.apply({ kind: 'FLR', requesterId: 0x0200 })).toThrow(RangeError);
    expect(() => device.apply({ kind: 'BAR_WRITE', requesterId: PF, bar: 4 })).toThrow(RangeError);
    expect(() => device.apply({ kind: 'BAR_WRITE', requesterId: PF, bar: 0, address: 0x1_0000_0000n })).toThrow(RangeError);
    expect(() => device.apply({ kind: 'BAR_WRITE', requesterId: PF, bar: 0, address: 0xfe00_1000n })).toThrow(RangeError);
    expect(() => device.apply({ kind: 'IDE_STREAM_INSECURE', portIndex: 1, streamId: 0 })).toThrow(RangeError);
  });
});

describe('FLR scope', () => {
  /** Two PFs (01:00.0 the DSM, 01:00.1), each with a VF (01:00.2 of PF0, 01:00.3 of PF1). */
  const twoPfs = (): DeviceConfig => {
    const base = defaultDevice();
    const bar = (address: bigint) => [{ index: 0, address, size: 0x1000n }];
    return {
      ...base,
      functions: [
        { requesterId: 0x0100, bars: bar(0xf000_0000n) },
        { requesterId: 0x0101, bars: bar(0xf001_0000n) },
        { requesterId: 0x0102, pf: 0x0100, bars: bar(0xf002_0000n) },
        { requesterId: 0x0103, pf: 0x0101, bars: bar(0xf003_0000n) },
      ],
    };
  };

  const allRunning = () => {
    const device = readyDevice(twoPfs());
    const tdis = [0x0100, 0x0101, 0x0102, 0x0103].map((rid) => new Tdi(device, rid));
    tdis.forEach((t) => t.run());
    return { device, states: () => tdis.map((t) => t.state()) };
  };

  it('an FLR of a PF reaches its VFs but not a sibling PF or its VFs', () => {
    const { device, states } = allRunning();
    expect(device.apply({ kind: 'FLR', requesterId: 0x0100 })).toEqual(['01:00.0', '01:00.2']);
    expect(states()).toEqual(['ERROR', 'RUN', 'ERROR', 'RUN']);
  });

  it('an FLR of a VF does not reach its PF', () => {
    const { device, states } = allRunning();
    device.apply({ kind: 'FLR', requesterId: 0x0103 });
    expect(states()).toEqual(['RUN', 'RUN', 'RUN', 'ERROR']);
  });
});
