import { afterEach, describe, expect, it } from 'vitest';
import {
  SpdmEmuCommand,
  SpdmEmuError,
  type SpdmEmuErrorKind,
  type TdispResponder,
  connectSpdmEmu,
  doeFrame,
  encodeSpdmEmuFrame,
  fromHex,
} from '../../src/index.js';
import { closedPort, type ScriptedPeer, scriptedPeer } from './loopback.js';

const GET_STATE = fromHex('10850000efbe00000000000000000000');
const STATE_UNLOCKED = fromHex('10050000efbe0000000000000000000000');
const HOST = '127.0.0.1';
/** Short enough that the timeout cases finish well under a second. */
const TIMEOUT_MS = 200;

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function peer(onFrame: Parameters<typeof scriptedPeer>[0]): Promise<ScriptedPeer> {
  const p = await scriptedPeer(onFrame);
  cleanup.push(() => p.close());
  return p;
}

async function client(port: number): Promise<TdispResponder> {
  const c = await connectSpdmEmu(HOST, port, { timeoutMs: TIMEOUT_MS });
  cleanup.push(() => c.close());
  return c;
}

/** The SpdmEmuError a promise rejects with; fails the test if it resolves or throws anything else. */
async function rejection(p: Promise<unknown>, kind: SpdmEmuErrorKind): Promise<SpdmEmuError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(SpdmEmuError);
  expect((e as SpdmEmuError).kind).toBe(kind);
  expect((e as Error).message).not.toContain('\n');
  return e as SpdmEmuError;
}

/** The reply frame's bytes for a DECAP_TDISP request: NORMAL with the TDISP response. */
const normal = (payload: Uint8Array) => encodeSpdmEmuFrame(doeFrame(SpdmEmuCommand.NORMAL, payload));

describe('connectSpdmEmu', () => {
  it('sends DECAP_TDISP and returns the payload of the NORMAL reply', async () => {
    const p = await peer((_f, s) => s.write(normal(STATE_UNLOCKED)));
    const c = await client(p.port);
    expect(await c.exchange(GET_STATE)).toEqual(STATE_UNLOCKED);
    expect(p.received).toEqual([doeFrame(SpdmEmuCommand.DECAP_TDISP, GET_STATE)]);
  });

  it('reads a reply that arrives one byte at a time', async () => {
    const p = await peer((_f, s) => {
      for (const b of normal(STATE_UNLOCKED)) s.write(Uint8Array.of(b));
    });
    expect(await (await client(p.port)).exchange(GET_STATE)).toEqual(STATE_UNLOCKED);
  });

  it('answers concurrent exchanges in order, one request on the wire at a time', async () => {
    const p = await peer((f, s) => s.write(normal(f.payload)));
    const c = await client(p.port);
    const replies = await Promise.all([1, 2, 3].map((n) => c.exchange(Uint8Array.of(n))));
    expect(replies).toEqual([Uint8Array.of(1), Uint8Array.of(2), Uint8Array.of(3)]);
  });

  it('says SHUTDOWN on close, and refuses exchanges afterwards', async () => {
    const p = await peer((f, s) => s.write(encodeSpdmEmuFrame(doeFrame(f.command))));
    const c = await connectSpdmEmu(HOST, p.port, { timeoutMs: TIMEOUT_MS });
    await c.close();
    await c.close();
    expect(p.received.map((f) => f.command)).toEqual([SpdmEmuCommand.SHUTDOWN]);
    const e = await rejection(c.exchange(GET_STATE), 'closed');
    expect(e.message).toBe(`spdm-emu 127.0.0.1:${p.port}: connection closed by this client`);
  });

  it('reports a refused connection', async () => {
    const port = await closedPort();
    const e = await rejection(connectSpdmEmu(HOST, port, { timeoutMs: TIMEOUT_MS }), 'refused');
    expect(e.message).toBe(`spdm-emu 127.0.0.1:${port}: connection refused (is the responder running?)`);
  });

  it('reports a peer that closes before replying', async () => {
    const p = await peer((_f, s) => s.end());
    const e = await rejection((await client(p.port)).exchange(GET_STATE), 'closed');
    expect(e.message).toBe(`spdm-emu 127.0.0.1:${p.port}: closed the connection before replying to DECAP_TDISP (0x0002)`);
  });

  it('reports a peer that closes mid-message', async () => {
    const p = await peer((_f, s) => s.end(normal(STATE_UNLOCKED).subarray(0, 20)));
    const e = await rejection((await client(p.port)).exchange(GET_STATE), 'truncated');
    expect(e.message).toBe(`spdm-emu 127.0.0.1:${p.port}: closed the connection mid-frame, after 8 of 17 payload bytes`);
  });

  it('reports a short read: part of a frame, then silence until the deadline', async () => {
    const p = await peer((_f, s) => s.write(normal(STATE_UNLOCKED).subarray(0, 7)));
    const e = await rejection((await client(p.port)).exchange(GET_STATE), 'short-read');
    expect(e.message).toBe(`spdm-emu 127.0.0.1:${p.port}: short read: 7 of 12 header bytes, then nothing for ${TIMEOUT_MS} ms`);
  });

  it('reports an oversized payload size without waiting for the payload', async () => {
    const p = await peer((_f, s) => s.write(fromHex('00000001 00000002 ffffffff')));
    const started = Date.now();
    const e = await rejection((await client(p.port)).exchange(GET_STATE), 'oversized');
    expect(e.message).toBe(`spdm-emu 127.0.0.1:${p.port}: payload size 0xffffffff exceeds the 0x20000-byte limit`);
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS);
  });

  it('reports a reply with an unexpected command', async () => {
    const p = await peer((_f, s) => s.write(encodeSpdmEmuFrame(doeFrame(SpdmEmuCommand.UNKNOWN))));
    const e = await rejection((await client(p.port)).exchange(GET_STATE), 'unexpected-command');
    expect(e.message).toBe(`spdm-emu 127.0.0.1:${p.port}: reply to DECAP_TDISP (0x0002) has command UNKNOWN (0xffff), expected NORMAL (0x0001)`);
  });

  it('reports a reply on another transport', async () => {
    const p = await peer((_f, s) => s.write(encodeSpdmEmuFrame({ command: SpdmEmuCommand.NORMAL, transportType: 1, payload: STATE_UNLOCKED })));
    await rejection((await client(p.port)).exchange(GET_STATE), 'unexpected-transport');
  });

  it('times out on a peer that never answers, and stays failed', async () => {
    const p = await peer(() => undefined);
    const c = await client(p.port);
    const started = Date.now();
    const e = await rejection(c.exchange(GET_STATE), 'timeout');
    expect(e.message).toBe(`spdm-emu 127.0.0.1:${p.port}: no reply to DECAP_TDISP (0x0002) within ${TIMEOUT_MS} ms`);
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 500);
    await rejection(c.exchange(GET_STATE), 'timeout');
  });

  it('closes promptly even when the peer ignores SHUTDOWN', async () => {
    const p = await peer(() => undefined);
    const c = await connectSpdmEmu(HOST, p.port, { timeoutMs: TIMEOUT_MS });
    const started = Date.now();
    await c.close();
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 500);
  });

  it('rejects a port outside 1..65535', async () => {
    await rejection(connectSpdmEmu(HOST, 70000), 'bad-address');
  });
});
