import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cloneDeviceState } from '../../src/device/snapshot.js';
import { defaultDevice, type TdispDevice } from '../../src/index.js';
import { ideKm, keySubStream, readyDevice, SUB_STREAMS, Tdi } from './helpers.js';

/**
 * The explorer's hand-written clone of the device state against structuredClone, on states
 * reached by random requests and events (locks with nonces and reports, RUN with P2P streams and
 * changed MMIO attributes, ERROR, key slots stopped, BARs moved): equal to structuredClone's copy,
 * and sharing no object or byte array with its source (the device mutates them in place).
 */

/** The default device with two VFs: the PF 01:00.0 and VFs 01:00.1, 01:00.2, all TDIs. */
const RIDS = [0x0100, 0x0101, 0x0102] as const;
type Step = (device: TdispDevice) => void;

const rid = fc.constantFrom(...RIDS);
const tdi = (device: TdispDevice, r: number) => new Tdi(device, r);

const steps: fc.Arbitrary<Step> = fc.oneof(
  rid.map((r): Step => (d) => void tdi(d, r).lock()),
  fc.tuple(rid, fc.constantFrom(0, 0x20)).map(([r, flags]): Step => (d) => void tdi(d, r).lock({ flags })),
  rid.map((r): Step => (d) => {
    const m = tdi(d, r).lock();
    if (m.messageType === 'LOCK_INTERFACE_RESPONSE') tdi(d, r).start(m.startInterfaceNonce);
  }),
  rid.map((r): Step => (d) => void tdi(d, r).stop()),
  fc.tuple(rid, fc.nat(3)).map(([r, id]): Step => (d) => void tdi(d, r).send('BIND_P2P_STREAM_REQUEST', { p2pStreamId: id })),
  fc.tuple(rid, fc.nat(0xf)).map(([r, a]): Step => (d) => {
    const t = tdi(d, r);
    const m = t.report(0, 0xffff);
    const first = d.lockedInterface(r)?.report.mmioRanges[0];
    if (m.messageType === 'DEVICE_INTERFACE_REPORT' && first) t.send('SET_MMIO_ATTRIBUTE_REQUEST', { mmioRange: { ...first, rangeAttributes: a } });
  }),
  fc.tuple(rid, fc.constantFrom('FLR' as const, 'BME_CLEAR' as const, 'DEVICE_ERROR' as const)).map(([r, kind]): Step => (d) => void d.apply({ kind, requesterId: r })),
  fc.constant<Step>((d) => void d.apply({ kind: 'ENTROPY_FAILURE' })),
  fc.nat(SUB_STREAMS.length - 1).map((k): Step => (d) => void ideKm(d, { objectId: 'K_SET_STOP', streamId: 0, keySubStream: keySubStream('TX', k % 3), portIndex: 0 })),
);

/** Every object (byte arrays included) reachable from `v`. */
function objectsOf(v: unknown, into = new Set<object>()): Set<object> {
  if (typeof v !== 'object' || v === null || into.has(v)) return into;
  into.add(v);
  if (!ArrayBuffer.isView(v)) for (const x of Object.values(v)) objectsOf(x, into);
  return into;
}

describe('the device state clone (property)', () => {
  it('equals structuredClone and shares no mutable object with its source', () => {
    fc.assert(
      fc.property(fc.array(steps, { maxLength: 30 }), (script) => {
        const device = readyDevice(defaultDevice(2));
        for (const step of script) step(device);
        const source = device.snapshot();
        const copy = cloneDeviceState(source);
        expect(copy).toEqual(structuredClone(source));
        const shared = [...objectsOf(copy)].filter((o) => objectsOf(source).has(o));
        expect(shared).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('is what restore installs: the device answers from a copy, and the snapshot stays as taken', () => {
    const device = readyDevice(defaultDevice(2));
    const snapshot = device.snapshot();
    const before = structuredClone(snapshot);
    device.restore(snapshot);
    new Tdi(device, RIDS[1]).lock();
    expect(snapshot).toEqual(before);
    expect(new Tdi(device, RIDS[1]).state()).toBe('CONFIG_LOCKED');
  });
});
