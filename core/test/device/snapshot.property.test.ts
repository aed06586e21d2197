import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DeviceBlueprint } from '../../src/device/blueprint.js';
import { cloneFunction, cloneStream } from '../../src/device/record-clone.js';
import type { FunctionRecord } from '../../src/device/state.js';
import { defaultDevice, LockInterfaceFlag, MmioRangeAttribute, TdispDevice } from '../../src/index.js';
import { IFV, ideKm, KEY, keySubStream, readyDevice, secureStream, SUB_STREAMS, Tdi } from './helpers.js';

/**
 * Snapshots share records with the device (copy-on-write.ts), on states reached by random
 * requests and events (locks with nonces and reports, RUN with P2P streams and changed MMIO
 * attributes, ERROR, key slots programmed and stopped, streams gone insecure, BARs moved): the
 * hand-written record copies equal structuredClone's and share with their source only the
 * values a request replaces (a bound interface's report, nonce and P2P streams), no write
 * reaches a snapshot, and restoring gives back exactly the state taken.
 */

/** The default device with two VFs: the PF 01:00.0 and VFs 01:00.1, 01:00.2, all TDIs. */
const RIDS = [0x0100, 0x0101, 0x0102] as const;
type Step = (device: TdispDevice) => void;

const rid = fc.constantFrom(...RIDS);
const tdi = (device: TdispDevice, r: number) => new Tdi(device, r);

const steps: fc.Arbitrary<Step> = fc.oneof(
  rid.map((r): Step => (d) => void tdi(d, r).lock()),
  fc.tuple(rid, fc.constantFrom(0, LockInterfaceFlag.BIND_P2P, 0x20)).map(([r, flags]): Step => (d) => void tdi(d, r).lock({ flags })),
  fc.tuple(rid, fc.constantFrom(0, LockInterfaceFlag.BIND_P2P)).map(([r, flags]): Step => (d) => {
    const m = tdi(d, r).lock({ flags });
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
  // BAR 0 moved by a whole BAR size, or written with the address it has.
  fc.tuple(rid, fc.nat(1)).map(([r, k]): Step => (d) => {
    const bar = d.config.functions.find((f) => f.requesterId === r)?.bars.find((b) => b.index === 0);
    if (bar) d.apply({ kind: 'BAR_WRITE', requesterId: r, bar: 0, address: bar.address + BigInt(k) * bar.size });
  }),
  fc.nat(7).map((k): Step => (d) => void d.apply({ kind: 'IDE_STREAM_INSECURE', portIndex: k % (d.config.ide.maxPortIndex + 1), streamId: 0 })),
  fc.nat(SUB_STREAMS.length - 1).map((k): Step => (d) => void ideKm(d, { objectId: 'K_SET_STOP', streamId: 0, keySubStream: keySubStream('TX', k % 3), portIndex: 0 })),
  // A key programmed but not started: only the slot's `programmed` changes.
  fc.tuple(fc.nat(2), fc.constantFrom('K0' as const, 'K1' as const)).map(([k, set]): Step => (d) => void ideKm(d, { objectId: 'KEY_PROG', streamId: 0, keySubStream: keySubStream('TX', k, set), portIndex: 0, key: KEY, ifv: IFV })),
);

/** Every object (byte arrays included) reachable from `v`. */
function objectsOf(v: unknown, into = new Set<object>()): Set<object> {
  if (typeof v !== 'object' || v === null || into.has(v)) return into;
  into.add(v);
  if (!ArrayBuffer.isView(v)) for (const x of Object.values(v)) objectsOf(x, into);
  return into;
}

/** The objects of a record that requests change in place: all but the bound interface's values (state.ts). */
function mutableObjectsOf(record: object): Set<object> {
  const values = new Set<object>();
  const bound = (record as FunctionRecord).tdi?.bound;
  if (bound) for (const v of [bound.report, bound.startInterfaceNonce, bound.p2pStreams]) objectsOf(v, values);
  return new Set([...objectsOf(record)].filter((o) => !values.has(o)));
}

describe('the device state clone (property)', () => {
  it('record copies equal structuredClone and share no object a request changes in place with their source', () => {
    fc.assert(
      fc.property(fc.array(steps, { maxLength: 30 }), (script) => {
        const device = readyDevice(defaultDevice(2));
        for (const step of script) step(device);
        const { functions, ide } = device.snapshot();
        const pairs: [object, object][] = [...Object.values(functions).map((r): [object, object] => [r, cloneFunction(r)]), ...Object.values(ide).map((r): [object, object] => [r, cloneStream(r)])];
        for (const [source, copy] of pairs) {
          expect(copy).toEqual(structuredClone(source));
          expect([...mutableObjectsOf(copy)].filter((o) => objectsOf(source).has(o))).toEqual([]);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('devices of one blueprint share its initial records, and nothing one does reaches another', () => {
    fc.assert(
      fc.property(fc.array(steps, { minLength: 1, maxLength: 20 }), (script) => {
        const blueprint = new DeviceBlueprint(defaultDevice(2));
        const [first, second] = [new TdispDevice(blueprint), new TdispDevice(blueprint)];
        const untouched = structuredClone(second.snapshot());
        secureStream(first, 0);
        script.forEach((step) => step(first));
        expect(second.snapshot()).toEqual(untouched);
        expect(new TdispDevice(blueprint).snapshot()).toEqual(untouched);
      }),
      { numRuns: 100 },
    );
  });

  it('taking and restoring copy no map or record; a write copies only the record it writes and its map', () => {
    const device = readyDevice(defaultDevice(2));
    const taken = device.snapshot();
    device.restore(taken);
    new Tdi(device, RIDS[1]).lock();
    const after = device.snapshot();
    // The VF locked has a record (in a map) of its own now; the PF, the other VF and the streams are shared.
    expect(Object.keys(after.functions).filter((k) => after.functions[k] !== taken.functions[k])).toEqual(['01:00.1']);
    expect(after.ide).toBe(taken.ide);
    expect(new Tdi(device, RIDS[1]).state()).toBe('CONFIG_LOCKED');
    device.restore(taken);
    expect(new Tdi(device, RIDS[1]).state()).toBe('CONFIG_UNLOCKED');
  });

  it('snapshots that share unchanged records restore exactly what was taken, and nothing the device does later reaches them', () => {
    fc.assert(
      fc.property(fc.array(steps, { maxLength: 12 }), fc.array(steps, { maxLength: 12 }), fc.array(steps, { maxLength: 12 }), (a, b, c) => {
        const device = readyDevice(defaultDevice(2));
        a.forEach((step) => step(device));
        // The device's own state, by its canonical hash (a snapshot could echo the one it shares with).
        const [first, firstHash] = [device.snapshot(), device.stateHash()];
        const firstCopy = structuredClone(first);
        b.forEach((step) => step(device));
        const [second, secondHash] = [device.snapshot(), device.stateHash()];
        const secondCopy = structuredClone(second);
        device.restore(first);
        expect(device.stateHash()).toBe(firstHash);
        c.forEach((step) => step(device));
        device.restore(second);
        expect(device.stateHash()).toBe(secondHash);
        c.forEach((step) => step(device));
        expect([first, second]).toEqual([firstCopy, secondCopy]);
      }),
      { numRuns: 200 },
    );
  });

  it('restore tells apart RUN records that differ only in lock flags, P2P streams or MMIO attributes', () => {
    const device = readyDevice(defaultDevice(2));
    const pf = new Tdi(device, RIDS[0]);
    pf.run({ flags: LockInterfaceFlag.BIND_P2P });
    const taken = () => ({ snapshot: device.snapshot(), hash: device.stateHash() });
    const plain = taken();
    expect(pf.send('BIND_P2P_STREAM_REQUEST', { p2pStreamId: 1 }).messageType).toBe('BIND_P2P_STREAM_RESPONSE');
    const p2p = taken();
    const range = device.lockedInterface(RIDS[0])?.report.mmioRanges.find((r) => (r.rangeAttributes & MmioRangeAttribute.IS_MEM_ATTR_UPDATABLE) !== 0);
    if (!range) throw new Error('the PF reports no updatable MMIO range');
    const attributes = range.rangeAttributes ^ MmioRangeAttribute.IS_NON_TEE_MEM;
    expect(pf.send('SET_MMIO_ATTRIBUTE_REQUEST', { mmioRange: { ...range, rangeAttributes: attributes } }).messageType).toBe('SET_MMIO_ATTRIBUTE_RESPONSE');
    const attribute = taken();
    pf.stop();
    pf.run({ flags: LockInterfaceFlag.BIND_P2P | LockInterfaceFlag.NO_FW_UPDATE });
    // Each restore goes between two states that differ in one of these alone (and the RNG).
    for (const t of [plain, p2p, plain, p2p, attribute, p2p]) {
      device.restore(t.snapshot);
      expect(device.stateHash()).toBe(t.hash);
    }
    expect(new Set([plain.hash, p2p.hash, attribute.hash]).size).toBe(3);
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
