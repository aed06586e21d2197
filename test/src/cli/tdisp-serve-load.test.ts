import { type ChildProcess, spawn } from 'node:child_process';
import { type Socket, connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { runTranscript } from '../../../core/src/transcript/transcript.js';
import { SpdmEmuCommand, SpdmEmuTransportType, connectSpdmEmu, doeFrame, encodeSpdmEmuFrame } from '../../../core/src/transport/index.js';
import { interfaceIdOf } from '../../../core/src/wire/index.js';

// The server runs core/dist in a child process: `npm test` builds it first.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const HEAP_PROBE = fileURLToPath(new URL('../fixtures/heap-probe.js', import.meta.url));
const CLIENTS = 200;
/** Heap the server may keep after the load, over what it held before it. */
const HEAP_SLACK = 20 * 1024 * 1024;
/** Bounds every wait: the whole load takes a few seconds on a busy two-core machine. */
const DEADLINE_MS = 30_000;

let server: ChildProcess | undefined;
afterEach(() => {
  server?.kill('SIGKILL');
  server = undefined;
});

function within<T>(what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no end within ${DEADLINE_MS} ms`)), DEADLINE_MS)));
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** `teeio tdisp serve --multi --port 0` with the heap probe; resolves with its port. */
async function serve(child: ChildProcess): Promise<number> {
  let out = '';
  return within(
    'the listening line',
    new Promise((resolve) =>
      child.stdout?.on('data', (d: Buffer) => {
        const m = /listening on 127\.0\.0\.1:(\d+)/.exec((out += d.toString()));
        if (m) resolve(Number(m[1]));
      }),
    ),
  );
}

function heapUsed(child: ChildProcess): Promise<number> {
  const answer = new Promise<number>((resolve) => child.once('message', (m) => resolve(m as number)));
  child.send('heap');
  return within('the heap probe', answer);
}

/** One client's whole TDISP lifecycle through spdm-emu framing; returns the responses' names. */
async function lifecycle(port: number): Promise<string[]> {
  const device = await connectSpdmEmu('127.0.0.1', port, { timeoutMs: DEADLINE_MS });
  try {
    const entries = await runTranscript({ tdisp: device, interfaceId: interfaceIdOf(0xbeef) });
    expect(entries.filter((e) => e.unexpected)).toEqual([]);
    return entries.filter((e) => e.direction === 'response').map((e) => e.name);
  } finally {
    await device.close();
  }
}

const header = (command: number, transport: number, size: number) => encodeSpdmEmuFrame({ command, transportType: transport, payload: new Uint8Array(0) }).map((b, i) => (i >= 8 ? (size >>> ((11 - i) * 8)) & 0xff : b));

/** Malformed input, each on its own connection: bytes sent, then whether the client ends its side. */
const MALFORMED: [what: string, bytes: Uint8Array, end: boolean][] = [
  ['a size larger than the limit', header(SpdmEmuCommand.DECAP_TDISP, SpdmEmuTransportType.PCI_DOE, 0xffffffff), false],
  ['a size beyond the bytes that follow, then the end', Uint8Array.of(...header(SpdmEmuCommand.DECAP_TDISP, SpdmEmuTransportType.PCI_DOE, 64), 1, 2, 3), true],
  ['a size shorter than the payload (the rest reads as a header)', Uint8Array.of(...header(SpdmEmuCommand.TEST, SpdmEmuTransportType.PCI_DOE, 0), ...new Uint8Array(12).fill(0xee)), false],
  ['another transport', encodeSpdmEmuFrame({ command: SpdmEmuCommand.TEST, transportType: SpdmEmuTransportType.MCTP, payload: new Uint8Array(0) }), false],
  ['an unknown command, then SHUTDOWN', Uint8Array.of(...encodeSpdmEmuFrame(doeFrame(0x1234)), ...encodeSpdmEmuFrame(doeFrame(SpdmEmuCommand.SHUTDOWN))), false],
  ['a truncated header, then the end', Uint8Array.of(0, 0, 0, 2, 0), true],
  ['garbage', Uint8Array.from({ length: 256 }, (_, i) => (i * 167 + 13) & 0xff), false],
  ['an empty DECAP_TDISP, then SHUTDOWN', Uint8Array.of(...encodeSpdmEmuFrame(doeFrame(SpdmEmuCommand.DECAP_TDISP)), ...encodeSpdmEmuFrame(doeFrame(SpdmEmuCommand.SHUTDOWN))), false],
];

/** Sends `bytes` and resolves when the server has closed the connection. */
function closedByServer(port: number, bytes: Uint8Array, end: boolean): Promise<void> {
  return new Promise((resolve) => {
    const socket: Socket = connect({ host: '127.0.0.1', port }, () => (end ? socket.end(bytes) : socket.write(bytes)));
    socket.on('error', () => undefined);
    socket.on('data', () => undefined);
    socket.on('close', () => resolve());
  });
}

/**
 * The server is the real `teeio tdisp serve` in a child process started with --expose-gc: its
 * heap is then the server's alone (200 clients in this process would blur an in-process figure,
 * and vitest's workers are shared), and a major GC before each reading leaves what it keeps.
 * --multi, because 200 clients at once is what it is for; one at a time they would only queue.
 */
describe('teeio tdisp serve --multi under load', () => {
  it(`serves ${CLIENTS} concurrent lifecycles and malformed frames, then a fresh client; keeps no memory`, { timeout: 4 * DEADLINE_MS }, async () => {
    server = spawn(process.execPath, ['--expose-gc', '--import', HEAP_PROBE, 'core/bin/teeio.js', 'tdisp', 'serve', '--multi', '--port', '0'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    let log = '';
    server.stderr?.on('data', (d: Buffer) => (log += d.toString()));
    const port = await serve(server);
    // A first lifecycle loads and compiles what serving needs, so the baseline holds it too.
    const expected = await lifecycle(port);
    expect(expected.at(-1)).toBe('DEVICE_INTERFACE_STATE');
    const before = await heapUsed(server);

    const all = await within('the load', Promise.all(Array.from({ length: CLIENTS }, () => lifecycle(port))));
    expect(all.every((names) => names.join() === expected.join())).toBe(true);
    await within('the malformed frames', Promise.all(MALFORMED.map(([, bytes, end]) => closedByServer(port, bytes, end))));
    expect(await within('a fresh client', lifecycle(port))).toEqual(expected);

    const after = await heapUsed(server);
    expect(after - before, `heap before ${before}, after ${after}`).toBeLessThan(HEAP_SLACK);
    expect(log).not.toMatch(/internal error/);
    // Each malformed connection is one line of the log saying why it ended, not two stories.
    const told = log.split('\n').filter((l) => l !== '' && !/: (?:dis)?connected$/.test(l));
    const clients = told.map((l) => /^teeio tdisp serve: (\S+): /.exec(l)?.[1]);
    expect(told).toHaveLength(MALFORMED.length);
    expect(new Set(clients).size, told.join('\n')).toBe(MALFORMED.length);
    expect(server.exitCode).toBeNull();
  });
});
