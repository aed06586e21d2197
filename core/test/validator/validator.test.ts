import { DEVICE_PRESETS, type DevicePresetName } from '../../src/device/presets.js';
import { afterEach, describe, expect, it } from 'vitest';
import { SpdmEmuError, type TdispResponder, connectSpdmEmu, fromHex, interfaceIdOf, serveSpdmEmu } from '../../src/index.js';
import {
  type CheckOutcome,
  TDISP_CHECKS,
  builtInTarget,
  peerTarget,
  RunInterrupted,
  runChecks,
  strictly,
  tdiRequesterIds,
  tdispOnlyDevice,
} from '../../src/validator/index.js';
import { acceptsLockTwice, likeSpdmEmuSample, skipsNonceCheck } from './misbehaving.js';

/** INTERFACE_ID (bytes 4..15) of a TDISP message, as hex. */
const toHexId = (m: Uint8Array) => Buffer.from(m.subarray(4, 16)).toString('hex');
const ids = (outcomes: readonly CheckOutcome[], status: CheckOutcome['status']) => outcomes.filter((o) => o.status === status).map((o) => o.id);
/** The spdm-emu sample preset reports DEV_ADDR_WIDTH 48 and NUM_REQ_THIS/ALL 0 (tee-io-validator asks 52, non-zero). */
const SAMPLE_ADVISORIES = ['capabilities.dev-addr-width-52', 'capabilities.num-req-nonzero'];
const EVENT_CHECKS = TDISP_CHECKS.filter((c) => [...c.setup, c.request].some((s) => 'event' in s)).map((c) => c.id);

/** The built-in device's first TDI, answered through `wrap`. */
async function validateWrapped(wrap: (d: ReturnType<typeof tdispOnlyDevice>) => TdispResponder): Promise<CheckOutcome[]> {
  const device = tdispOnlyDevice('default');
  return runChecks({ ...builtInTarget(device), responder: wrap(device) }, TDISP_CHECKS);
}

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

describe('the TDISP check suite', () => {
  it('names each check once and ties each to a rule', () => {
    expect(new Set(TDISP_CHECKS.map((c) => c.id)).size).toBe(TDISP_CHECKS.length);
    for (const c of TDISP_CHECKS) expect(c.rule).toMatch(/\(.+\)$/);
  });

  it('covers the rule areas the issue lists', () => {
    const areas = new Set(TDISP_CHECKS.map((c) => c.id.split('.')[0]));
    expect([...areas].sort()).toEqual(['capabilities', 'error', 'errors', 'lock', 'report', 'start', 'stop', 'version']);
  });
});

describe('validating the built-in device', () => {
  for (const preset of Object.keys(DEVICE_PRESETS) as DevicePresetName[]) {
    it(`passes every check on each TDI of preset ${preset}, but for the sample's capability advisories`, async () => {
      const device = tdispOnlyDevice(preset);
      for (const tdi of tdiRequesterIds(device.config)) {
        const outcomes = await runChecks(builtInTarget(tdispOnlyDevice(preset), tdi), TDISP_CHECKS);
        expect(outcomes.filter((o) => o.status !== 'pass' && o.status !== 'advisory')).toEqual([]);
        expect(ids(outcomes, 'advisory')).toEqual(preset === 'spdm-emu-sample' ? SAMPLE_ADVISORIES : []);
      }
    });
  }
});

describe('validating broken responders', () => {
  it('fails exactly the CONFIG_LOCKED LOCK check for a device that accepts LOCK twice', async () => {
    expect(ids(await validateWrapped(acceptsLockTwice), 'fail')).toEqual(['lock.refused-in-config-locked']);
  });

  it('fails exactly the wrong-nonce check for a device that skips the nonce check', async () => {
    expect(ids(await validateWrapped(skipsNonceCheck), 'fail')).toEqual(['start.wrong-nonce']);
  });

  it('reports a failure with its rule, where it failed, the request and the response', async () => {
    const [failure] = (await validateWrapped(skipsNonceCheck)).filter((o) => o.status === 'fail');
    expect(failure).toEqual({
      id: 'start.wrong-nonce',
      rule: TDISP_CHECKS.find((c) => c.id === 'start.wrong-nonce')?.rule,
      status: 'fail',
      reason: 'request (START_INTERFACE_REQUEST): got START_INTERFACE_RESPONSE, expected TDISP_ERROR INVALID_NONCE',
      request: `1086000000010000000000000000000000${'00'.repeat(31)}`,
      response: '10060000000100000000000000000000',
    });
  });

  it("reports the spdm-emu sample's four known deviations as failures, over the socket, and event checks as not applicable", async () => {
    const server = await serveSpdmEmu({ port: 0, responderFor: () => likeSpdmEmuSample(tdispOnlyDevice('spdm-emu-sample')) });
    cleanup.push(() => server.close());
    const peer = await connectSpdmEmu('127.0.0.1', server.address.port, { timeoutMs: 2000 });
    cleanup.push(() => peer.close());
    const outcomes = await runChecks(peerTarget(peer, interfaceIdOf(0xbeef)), TDISP_CHECKS);
    expect(ids(outcomes, 'fail').sort()).toEqual(['report.mmio-reporting-offset', 'report.refused-in-config-unlocked', 'stop.in-config-unlocked', 'version.keeps-interface-state']);
    expect(ids(outcomes, 'not-applicable')).toEqual(EVENT_CHECKS);
    expect(outcomes.filter((o) => o.reason?.startsWith('set-up'))).toEqual([]);
    expect(ids(outcomes, 'advisory')).toEqual(SAMPLE_ADVISORIES);
    expect(outcomes.find((o) => o.id === 'capabilities.dev-addr-width-52')).toMatchObject({ source: 'intel/tee-io-validator' });
    expect(ids(strictly(outcomes), 'fail')).toHaveLength(6);
    expect(outcomes.find((o) => o.id === 'stop.in-config-unlocked')).toMatchObject({
      reason: 'request (STOP_INTERFACE_REQUEST): got TDISP_ERROR INVALID_INTERFACE_STATE (error_data 0x00000000), expected STOP_INTERFACE_RESPONSE',
      request: '10870000efbe00000000000000000000',
      response: '107f0000efbe000000000000000000000400000000000000',
    });
    expect(outcomes.find((o) => o.id === 'version.keeps-interface-state')?.reason).toBe(
      'state after request (GET_TDISP_VERSION): tdiState is CONFIG_UNLOCKED, expected CONFIG_LOCKED',
    );
  });

  it('ends the run on a transport error instead of failing checks', async () => {
    const server = await serveSpdmEmu({
      port: 0,
      responderFor: () => ({ exchange: () => Promise.reject(new Error('device gone')), close: () => Promise.resolve() }),
      log: () => undefined,
    });
    cleanup.push(() => server.close());
    const peer = await connectSpdmEmu('127.0.0.1', server.address.port, { timeoutMs: 2000 });
    cleanup.push(() => peer.close());
    const ended = await runChecks(peerTarget(peer, interfaceIdOf(0xbeef)), TDISP_CHECKS).catch((e: unknown) => e);
    expect(ended).toBeInstanceOf(RunInterrupted);
    expect((ended as RunInterrupted).cause).toBeInstanceOf(SpdmEmuError);
  });

  it('keeps the outcomes of the checks run before a transport error', async () => {
    const device = tdispOnlyDevice('default');
    let left = 40;
    const dying: TdispResponder = {
      exchange: (request) => (left-- > 0 ? device.exchange(request) : Promise.reject(new SpdmEmuError('closed', '127.0.0.1:1', 'the peer closed the connection'))),
      close: () => device.close(),
    };
    const ended = (await runChecks({ ...builtInTarget(device), responder: dying }, TDISP_CHECKS).catch((e: unknown) => e)) as RunInterrupted;
    expect(ended).toBeInstanceOf(RunInterrupted);
    expect(ended.outcomes.length).toBeGreaterThan(0);
    expect(ended.outcomes.map((o) => o.id)).toEqual(TDISP_CHECKS.slice(0, ended.outcomes.length).map((c) => c.id));
    expect(ended.cause).toBeInstanceOf(SpdmEmuError);
  });

  it('reports a refused set-up as that set-up step, not as the rule under test', async () => {
    const device = tdispOnlyDevice('default');
    const target = builtInTarget(device);
    // The 2nd set-up step asks for capabilities; this responder refuses them with UNSUPPORTED_REQUEST.
    const refusesCapabilities: TdispResponder = {
      exchange: (m) => (m[1] === 0x82 ? Promise.resolve(fromHex(`107f0000${toHexId(m)}0700000000000000`)) : device.exchange(m)),
      close: () => device.close(),
    };
    const [outcome] = await runChecks({ ...target, responder: refusesCapabilities }, TDISP_CHECKS.slice(0, 1));
    expect(outcome).toMatchObject({ status: 'fail' });
    expect(outcome?.reason).toBe('set-up step 2 (GET_TDISP_CAPABILITIES): got TDISP_ERROR UNSUPPORTED_REQUEST (error_data 0x00000000), expected TDISP_CAPABILITIES');
  });

  it('fails a check whose response does not decode', async () => {
    const garbage: TdispResponder = { exchange: () => Promise.resolve(fromHex('10ff0000')), close: () => Promise.resolve() };
    const [outcome] = await runChecks(peerTarget(garbage, interfaceIdOf(0xbeef)), TDISP_CHECKS.slice(0, 1));
    expect(outcome?.status).toBe('fail');
    expect(outcome?.reason).toMatch(/^set-up step 1 \(GET_TDISP_VERSION\): the response does not decode: tdisp: byte 1/);
  });
});
