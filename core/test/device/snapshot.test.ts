import { describe, expect, it } from 'vitest';
import { defaultDevice, spdmEmuSample, TdispDevice, toHex } from '../../src/index.js';
import { IFV, ideKm, KEY, readyDevice, request, SUB_STREAMS, secureStream, Tdi } from './helpers.js';

const PF = 0x0100;

/** The nonces of `n` LOCK/STOP rounds. */
function nonces(device: TdispDevice, n: number): string[] {
  const tdi = new Tdi(device, PF);
  return Array.from({ length: n }, () => {
    const nonce = toHex(tdi.lockOk());
    tdi.stop();
    return nonce;
  });
}

describe('determinism', () => {
  it('the same seed gives the same nonces; another seed, other nonces', () => {
    const a = nonces(readyDevice(defaultDevice()), 3);
    expect(nonces(readyDevice(defaultDevice()), 3)).toEqual(a);
    expect(new Set(a).size).toBe(3);
    const other = nonces(readyDevice({ ...defaultDevice(), seed: 'another seed' }), 3);
    expect(other.some((n) => a.includes(n))).toBe(false);
  });

  it('a failed entropy draw consumes no randomness', () => {
    const healthy = nonces(readyDevice(defaultDevice()), 2);
    const device = readyDevice(defaultDevice());
    device.apply({ kind: 'ENTROPY_FAILURE' });
    new Tdi(device, PF).lock();
    expect(nonces(device, 2)).toEqual(healthy);
  });
});

describe('snapshots', () => {
  /** Requests whose answers depend on the whole state: nonces, the report, states. */
  const script = (device: TdispDevice): string[] => {
    const pf = new Tdi(device, PF);
    const vf = new Tdi(device, 0x0101);
    const answers = [toHex(pf.lockOk()), toHex(vf.lockOk()), toHex(pf.fullReport())];
    device.apply({ kind: 'FLR', requesterId: 0x0101 });
    answers.push(pf.state(), vf.state(), toHex(device.handleTdisp(request(vf.id, 'STOP_INTERFACE_REQUEST', {}))));
    return [...answers, toHex(vf.lockOk())];
  };

  it('snapshot, more requests, restore: the same requests give the same bytes', () => {
    const device = readyDevice(defaultDevice());
    new Tdi(device, PF).lockOk();
    new Tdi(device, PF).stop();
    const snapshot = device.snapshot();
    const hash = device.stateHash();
    const first = script(device);
    expect(device.stateHash()).not.toBe(hash);
    device.restore(snapshot);
    expect(device.stateHash()).toBe(hash);
    expect(script(device)).toEqual(first);
  });

  it('a snapshot does not change with the device after it, nor does restoring share it', () => {
    const device = readyDevice(defaultDevice());
    const snapshot = device.snapshot();
    const before = JSON.stringify(snapshot, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    device.restore(snapshot);
    script(device);
    expect(JSON.stringify(snapshot, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))).toBe(before);
  });

  it('restores only into a device with the same functions and streams', () => {
    const snapshot = new TdispDevice(spdmEmuSample()).snapshot();
    expect(() => new TdispDevice(defaultDevice()).restore(snapshot)).toThrow(RangeError);
  });
});

describe('canonical state hash', () => {
  it('equal states hash equal, whatever order the keys were programmed in', () => {
    const forward = new TdispDevice(defaultDevice());
    secureStream(forward, 0);
    const backward = new TdispDevice(defaultDevice());
    for (const k of [...SUB_STREAMS].reverse()) ideKm(backward, { objectId: 'K_SET_GO', streamId: 0, keySubStream: k, portIndex: 0 });
    for (const k of [...SUB_STREAMS].reverse()) ideKm(backward, { objectId: 'KEY_PROG', streamId: 0, keySubStream: k, portIndex: 0, key: KEY, ifv: IFV });
    expect(backward.stateHash()).toBe(forward.stateHash());
  });

  it('equal states hash equal whatever order the configuration lists the functions in', () => {
    const config = defaultDevice();
    const [dsm, vf] = config.functions;
    if (!dsm || !vf) throw new Error('preset changed');
    const extra = { requesterId: 0x0108, bars: [{ index: 0, address: 0xfd00_0000n, size: 0x1000n }] };
    const a = new TdispDevice({ ...config, functions: [dsm, vf, extra] });
    const b = new TdispDevice({ ...config, functions: [dsm, extra, vf] });
    expect(a.stateHash()).toBe(b.stateHash());
  });

  it('after LOCK and STOP the only trace left is the consumed randomness', () => {
    const device = readyDevice(defaultDevice());
    const fresh = readyDevice(defaultDevice());
    nonces(device, 1);
    expect(device.stateHash()).not.toBe(fresh.stateHash());
    nonces(fresh, 1);
    expect(device.stateHash()).toBe(fresh.stateHash());
  });
});
