import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  SpdmEmuCommand,
  SpdmEmuFrameReader,
  type SpdmEmuFrame,
  type SpdmEmuServer,
  type SpdmEmuServerOptions,
  type TdispResponder,
  connectSpdmEmu,
  doeFrame,
  encodeSpdmEmuFrame,
  fromHex,
  serveSpdmEmu,
} from '../../src/index.js';
import { tdispOnlyDevice } from '../../src/validator/index.js';

/** A device that answers every request with its own bytes reversed, and counts closes. */
class MirrorDevice implements TdispResponder {
  closed = 0;
  exchange(request: Uint8Array): Promise<Uint8Array> {
    return Promise.resolve(Uint8Array.from(request).reverse());
  }
  close(): Promise<void> {
    this.closed++;
    return Promise.resolve();
  }
}

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

interface Started {
  server: SpdmEmuServer;
  devices: MirrorDevice[];
  log: string[];
}

async function start(options: Partial<SpdmEmuServerOptions> = {}): Promise<Started> {
  const devices: MirrorDevice[] = [];
  const log: string[] = [];
  const server = await serveSpdmEmu({
    port: 0,
    responderFor: () => {
      const d = new MirrorDevice();
      devices.push(d);
      return d;
    },
    log: (line) => log.push(line),
    ...options,
  });
  cleanup.push(() => server.close());
  return { server, devices, log };
}

/** A raw client socket that collects reply frames. */
/** Polls `ok` until it holds, for at most a second: for effects the server applies after replying. */
async function eventually(ok: () => boolean): Promise<void> {
  const deadline = Date.now() + 1000;
  while (!ok() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(ok()).toBe(true);
}

interface RawClient {
  socket: Socket;
  /** This end's HOST:PORT, as the server's log lines name it. */
  name: string;
  frames: SpdmEmuFrame[];
  closed: Promise<void>;
  next(): Promise<SpdmEmuFrame>;
}

async function raw(port: number): Promise<RawClient> {
  const socket = connect({ host: '127.0.0.1', port });
  cleanup.push(async () => void socket.destroy());
  await new Promise((resolve) => socket.once('connect', resolve));
  const frames: SpdmEmuFrame[] = [];
  const reader = new SpdmEmuFrameReader();
  let wake: (() => void) | undefined;
  socket.on('data', (chunk) => {
    frames.push(...reader.push(chunk));
    wake?.();
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  let taken = 0;
  const next = async () => {
    while (frames.length <= taken) await new Promise<void>((resolve) => (wake = resolve));
    return frames[taken++] as SpdmEmuFrame;
  };
  return { socket, name: `127.0.0.1:${socket.localPort}`, frames, closed, next };
}

const send = (s: Socket, frame: SpdmEmuFrame) => s.write(encodeSpdmEmuFrame(frame));

describe('serveSpdmEmu', () => {
  it('listens on loopback and reports the port it got for port 0', async () => {
    const { server } = await start();
    expect(server.address.host).toBe('127.0.0.1');
    expect(server.address.port).toBeGreaterThan(0);
  });

  it('answers DECAP_TDISP with NORMAL carrying the device response', async () => {
    const { server } = await start();
    const client = await connectSpdmEmu('127.0.0.1', server.address.port, { timeoutMs: 1000 });
    expect(await client.exchange(fromHex('0102'))).toEqual(fromHex('0201'));
    await client.close();
  });

  it('answers TEST as spdm_responder_emu does, with "Server Hello!" and its NUL', async () => {
    const { server } = await start();
    const c = await raw(server.address.port);
    send(c.socket, doeFrame(SpdmEmuCommand.TEST, fromHex('00')));
    expect(await c.next()).toEqual(doeFrame(SpdmEmuCommand.TEST, new TextEncoder().encode('Server Hello!\0')));
  });

  it('answers SHUTDOWN, ends that connection, closes its device and keeps serving', async () => {
    const { server, devices } = await start();
    const c = await raw(server.address.port);
    send(c.socket, doeFrame(SpdmEmuCommand.SHUTDOWN));
    expect(await c.next()).toEqual(doeFrame(SpdmEmuCommand.SHUTDOWN));
    await c.closed;
    const again = await connectSpdmEmu('127.0.0.1', server.address.port, { timeoutMs: 1000 });
    expect(await again.exchange(fromHex('0a0b'))).toEqual(fromHex('0b0a'));
    await again.close();
    await eventually(() => devices.every((d) => d.closed === 1));
    expect(devices).toHaveLength(2);
  });

  it('answers a command it does not serve with UNKNOWN, then closes the connection, as the sample does', async () => {
    const { server, log } = await start();
    const c = await raw(server.address.port);
    send(c.socket, doeFrame(SpdmEmuCommand.OOB_ENCAP_KEY_UPDATE));
    expect(await c.next()).toEqual(doeFrame(SpdmEmuCommand.UNKNOWN));
    await c.closed;
    expect(log).toContain(`${c.name}: closing the connection: OOB_ENCAP_KEY_UPDATE (0x8001) is not served: answered UNKNOWN`);
  });

  it('routes NORMAL PCI_DOE frames to the device DOE mailbox: discovery as the DMTF requester sees it, then SPDM ERROR UnsupportedRequest', async () => {
    const { server } = await start({ responderFor: () => tdispOnlyDevice('spdm-emu-sample') });
    const c = await raw(server.address.port);
    // tdisp-wire §1a: DOE header (vendor 0x0001, type, reserved, length in DW incl. the header),
    // discovery request DW = index, version; response DW = vendor, type, next_index.
    const recorded = [
      ['01000000 03000000 00000000', '01000000 03000000 01000001'],
      ['01000000 03000000 01000000', '01000000 03000000 01000102'],
      ['01000000 03000000 02000000', '01000000 03000000 01000200'],
      // SPDM GET_VERSION (0x84), which the device does not implement: ERROR (0x7f) UnsupportedRequest (0x07).
      ['01000100 03000000 10840000', '01000100 03000000 107f0784'],
    ];
    for (const [request, response] of recorded) {
      send(c.socket, doeFrame(SpdmEmuCommand.NORMAL, fromHex((request as string).replaceAll(' ', ''))));
      expect(await c.next()).toEqual(doeFrame(SpdmEmuCommand.NORMAL, fromHex((response as string).replaceAll(' ', ''))));
    }
  });

  it('closes a connection that sends an oversized frame, logs why, and keeps serving', async () => {
    const { server, log } = await start({ maxPayload: 0x100 });
    const c = await raw(server.address.port);
    c.socket.write(fromHex('00000002 00000002 00001000'));
    await c.closed;
    expect(log).toContain(`${c.name}: closing the connection: spdm-emu frame: payload size 0x1000 exceeds the 0x100-byte limit`);
    const again = await connectSpdmEmu('127.0.0.1', server.address.port, { timeoutMs: 1000 });
    expect(await again.exchange(fromHex('0102'))).toEqual(fromHex('0201'));
    await again.close();
  });

  it('closes a connection whose NORMAL frame is for another transport', async () => {
    const { server, log } = await start();
    const c = await raw(server.address.port);
    send(c.socket, { command: SpdmEmuCommand.NORMAL, transportType: 1, payload: fromHex('01') });
    await c.closed;
    expect(log).toContain(`${c.name}: closing the connection: frame has transport_type 1, expected PCI_DOE (2)`);
  });

  it('answers DECAP_TDISP whatever its transport_type says, as the sample does with --decap_tdisp', async () => {
    const { server } = await start();
    const c = await raw(server.address.port);
    send(c.socket, { command: SpdmEmuCommand.DECAP_TDISP, transportType: 1, payload: fromHex('0102') });
    expect(await c.next()).toEqual(doeFrame(SpdmEmuCommand.NORMAL, fromHex('0201')));
  });

  it('closes a connection whose request the device refuses below TDISP, and logs why', async () => {
    const { server, log } = await start({ responderFor: () => tdispOnlyDevice('spdm-emu-sample') });
    const c = await raw(server.address.port);
    send(c.socket, doeFrame(SpdmEmuCommand.DECAP_TDISP, fromHex('1085')));
    await c.closed;
    expect(log).toContain(`${c.name}: closing the connection: the device failed: a TDISP request needs its 16-byte header, got 2 byte(s)`);
  });

  it('serves one connection at a time: a second one waits until the first ends', async () => {
    const { server, log } = await start();
    const first = await raw(server.address.port);
    const second = await raw(server.address.port);
    send(second.socket, doeFrame(SpdmEmuCommand.DECAP_TDISP, fromHex('0304')));
    send(first.socket, doeFrame(SpdmEmuCommand.DECAP_TDISP, fromHex('0102')));
    expect(await first.next()).toEqual(doeFrame(SpdmEmuCommand.NORMAL, fromHex('0201')));
    expect(second.frames).toEqual([]);
    expect(log).toContain(`${second.name}: waiting: one connection at a time (--multi serves several)`);
    first.socket.end();
    expect(await second.next()).toEqual(doeFrame(SpdmEmuCommand.NORMAL, fromHex('0403')));
  });

  it('serves connections concurrently with multi, each with its own device', async () => {
    const { server, devices } = await start({ multi: true });
    const a = await connectSpdmEmu('127.0.0.1', server.address.port, { timeoutMs: 1000 });
    const b = await connectSpdmEmu('127.0.0.1', server.address.port, { timeoutMs: 1000 });
    expect(await Promise.all([a.exchange(fromHex('0102')), b.exchange(fromHex('0304'))])).toEqual([fromHex('0201'), fromHex('0403')]);
    expect(devices).toHaveLength(2);
    await Promise.all([a.close(), b.close()]);
  });

  it('drops every connection and closes every device on close', async () => {
    const { server, devices } = await start();
    const c = await raw(server.address.port);
    send(c.socket, doeFrame(SpdmEmuCommand.DECAP_TDISP, fromHex('01')));
    await c.next();
    await server.close();
    await c.closed;
    expect(devices.map((d) => d.closed)).toEqual([1]);
  });

  it('reports a port it cannot listen on', async () => {
    const { server } = await start();
    await expect(serveSpdmEmu({ port: server.address.port, responderFor: () => new MirrorDevice() })).rejects.toThrow(
      `spdm-emu 127.0.0.1:${server.address.port}: cannot listen: EADDRINUSE`,
    );
  });
});
