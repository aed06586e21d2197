import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultDevice, type DeviceEvent, pciSigVendorMessage, spdm, type TdispDevice } from '../../src/index.js';
import { ideKm, keySubStream, readyDevice, secureStream, Tdi } from './helpers.js';

/**
 * Random sequences of TDISP requests, IDE_KM key changes, device events and garbage against the
 * default device's PF (01:00.0) and VF (01:00.1). A reference model a few lines long predicts
 * every TDI state; GET_DEVICE_INTERFACE_STATE must agree after each step, and nothing may throw.
 */

type State = 'CONFIG_UNLOCKED' | 'CONFIG_LOCKED' | 'RUN' | 'ERROR';
const RIDS = [0x0100, 0x0101] as const;
const PF = 0;

interface Model {
  states: State[];
  /** The nonce of each TDI's current lock. */
  nonces: (Uint8Array | undefined)[];
  streamSecure: boolean;
}

interface World {
  device: TdispDevice;
  tdis: Tdi[];
  model: Model;
}

const locked = (s: State) => s === 'CONFIG_LOCKED' || s === 'RUN';

/** Sends the TDIs in `targets` to ERROR where they are locked. */
function toError(model: Model, targets: readonly number[]): void {
  for (const t of targets)
    if (locked(model.states[t] as State)) {
      model.states[t] = 'ERROR';
      model.nonces[t] = undefined;
    }
}

type Command = { name: string; run(w: World): void };

const tdiArb = fc.constantFrom(0, 1);

const lock = (t: number, flags: number): Command => ({
  name: `lock(${t}, ${flags})`,
  run({ tdis, model }) {
    const m = (tdis[t] as Tdi).lock({ flags });
    if (model.states[t] === 'CONFIG_UNLOCKED' && flags === 0 && model.streamSecure) {
      model.states[t] = 'CONFIG_LOCKED';
      model.nonces[t] = m.messageType === 'LOCK_INTERFACE_RESPONSE' ? m.startInterfaceNonce : undefined;
    }
  },
});

const start = (t: number, good: boolean, junk: Uint8Array): Command => ({
  name: `start(${t}, ${good ? 'lock nonce' : 'junk'})`,
  run({ tdis, model }) {
    (tdis[t] as Tdi).start(good ? (model.nonces[t] ?? junk) : junk);
    if (good && model.states[t] === 'CONFIG_LOCKED') model.states[t] = 'RUN';
  },
});

const stop = (t: number): Command => ({
  name: `stop(${t})`,
  run({ tdis, model }) {
    (tdis[t] as Tdi).stop();
    model.states[t] = 'CONFIG_UNLOCKED';
    model.nonces[t] = undefined;
  },
});

const harmless = (t: number, kind: 'version' | 'caps' | 'report', offset: number, length: number): Command => ({
  name: `${kind}(${t})`,
  run({ tdis }) {
    const tdi = tdis[t] as Tdi;
    if (kind === 'version') tdi.send('GET_TDISP_VERSION', {});
    else if (kind === 'caps') tdi.send('GET_TDISP_CAPABILITIES', { tsmCaps: 0 });
    else tdi.report(offset, length);
  },
});

const event = (t: number, kind: 'FLR' | 'BME_CLEAR' | 'MSE_CLEAR' | 'DEVICE_ERROR' | 'BAR_WRITE'): Command => ({
  name: `${kind}(${t})`,
  run({ device, model }) {
    const requesterId = RIDS[t] as number;
    const e: DeviceEvent = kind === 'BAR_WRITE' ? { kind, requesterId, bar: 0 } : { kind, requesterId };
    device.apply(e);
    // An FLR of the PF reaches its VF.
    toError(model, kind === 'FLR' && t === PF ? [0, 1] : [t]);
  },
});

const keyStop = (subStream: number): Command => ({
  name: `K_SET_STOP(${subStream})`,
  run({ device, model }) {
    ideKm(device, { objectId: 'K_SET_STOP', streamId: 0, keySubStream: keySubStream('TX', subStream), portIndex: 0 });
    model.streamSecure = false;
    toError(model, [0, 1]);
  },
});

const rekey: Command = {
  name: 'rekey',
  run({ device, model }) {
    secureStream(device, 0);
    model.streamSecure = true;
  },
};

/** Arbitrary bytes as raw TDISP (at least a header), as a TDISP payload inside SPDM, as SPDM and as a DOE object. */
const garbage = (bytes: Uint8Array): Command => ({
  name: `garbage(${bytes.length})`,
  run({ device }) {
    if (bytes.length >= 16) device.handleTdisp(bytes);
    device.handleSpdm(spdm.encode(pciSigVendorMessage('VENDOR_DEFINED_REQUEST', 'TDISP', bytes)));
    device.handleSpdm(bytes);
    device.doe.exchange(bytes);
  },
});

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(tdiArb, fc.constantFrom(0, 0, 0x20)).map(([t, f]) => lock(t, f)) },
  { weight: 3, arbitrary: fc.tuple(tdiArb, fc.boolean(), fc.uint8Array({ minLength: 32, maxLength: 32 })).map(([t, g, j]) => start(t, g, j)) },
  { weight: 2, arbitrary: tdiArb.map(stop) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(tdiArb, fc.constantFrom('version' as const, 'caps' as const, 'report' as const), fc.nat(0x80), fc.nat(0xffff))
      .map(([t, k, o, l]) => harmless(t, k, o, l)),
  },
  { weight: 2, arbitrary: fc.tuple(tdiArb, fc.constantFrom('FLR' as const, 'BME_CLEAR' as const, 'MSE_CLEAR' as const, 'DEVICE_ERROR' as const, 'BAR_WRITE' as const)).map(([t, k]) => event(t, k)) },
  { weight: 1, arbitrary: fc.constantFrom(0, 1, 2).map(keyStop) },
  { weight: 1, arbitrary: fc.constant(rekey) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 0, maxLength: 64 }).map(garbage) },
);

describe('TDI state machine (property)', () => {
  it('GET_DEVICE_INTERFACE_STATE always equals the reference model, and no exception escapes', () => {
    fc.assert(
      fc.property(fc.array(commandArb, { minLength: 1, maxLength: 50, size: 'max' }), (commands) => {
        const device = readyDevice(defaultDevice());
        const world: World = {
          device,
          tdis: RIDS.map((rid) => new Tdi(device, rid)),
          model: { states: ['CONFIG_UNLOCKED', 'CONFIG_UNLOCKED'], nonces: [undefined, undefined], streamSecure: true },
        };
        for (const command of commands) {
          command.run(world);
          expect(
            world.tdis.map((t) => t.state()),
            command.name,
          ).toEqual(world.model.states);
        }
      }),
      { numRuns: 300 },
    );
  });
});
