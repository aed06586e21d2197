import { type ChildProcess, spawn } from 'node:child_process';
import { type Socket, createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../core/src/cli/io.js';
import { runCli } from '../../../core/src/cli/program.js';
import { serveSpdmEmu } from '../../../core/src/transport/index.js';
import { tdispOnlyDevice } from '../../../core/src/validator/index.js';
import { likeSpdmEmuSample } from '../../../core/test/validator/misbehaving.js';

// The spawned commands run core/dist: `npm test` builds it first (tsc -b); run `npx tsc -b`
// before running this file alone.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = 'core/bin/teeio.js';
/** Bounds every wait on a child process; a cold start of node takes a fraction of it. */
const PROCESS_DEADLINE_MS = 8000;
const SUMMARY = /^validate: (?:\d+ advisor(?:y|ies); )?(?:\d+ not applicable; )?\d+ passed, \d+ failed$/;

async function teeio(args: string[]) {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => void (out += t), err: (t) => void (err += t), env: { NO_COLOR: '1' }, cwd: ROOT };
  const code = await runCli(args, io);
  return { code, out, err, outLines: out.trimEnd().split('\n'), errLines: err.split('\n').filter((l) => l !== '') };
}

const children = new Set<ChildProcess>();
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
  for (const c of cleanup.splice(0).reverse()) await c();
});

interface Spawned {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (bounded: rejects after the deadline). */
  exited: Promise<number | null>;
}

function run(args: string[]): Spawned {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (c: Buffer) => void (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => void (err += c.toString()));
  const exited = new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`teeio ${args.join(' ')} did not exit within ${PROCESS_DEADLINE_MS} ms`)), PROCESS_DEADLINE_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      children.delete(child);
      resolve(code);
    });
  });
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Starts `teeio tdisp serve --port 0 [args]` and reads the port it prints. */
async function serve(...args: string[]): Promise<Spawned & { port: number }> {
  const server = run(['tdisp', 'serve', '--port', '0', ...args]);
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line within ${PROCESS_DEADLINE_MS} ms: ${server.stderr()}`)), PROCESS_DEADLINE_MS);
    server.child.stdout?.on('data', () => {
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(server.stdout());
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
  });
  return { ...server, port };
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as { port: number };
  await new Promise((resolve) => s.close(resolve));
  return port;
}

describe('teeio tdisp serve with teeio tdisp validate --peer', () => {
  it('validates the served default device over loopback: exit 0 and the summary line; Ctrl-C stops the server cleanly', { timeout: 20_000 }, async () => {
    const server = await serve('--preset', 'default');
    const validate = run(['tdisp', 'validate', '--peer', `127.0.0.1:${server.port}`, '--interface', '01:00.0']);
    expect(await validate.exited).toBe(0);
    const lines = validate.stdout().trimEnd().split('\n');
    expect(lines.at(-1)).toBe('validate: 6 not applicable; 29 passed, 0 failed');
    expect(validate.stderr()).toBe('');
    server.child.kill('SIGINT');
    expect(await server.exited).toBe(0);
    expect(server.stderr()).toMatch(/: connected\n.*: disconnected\nteeio tdisp serve: stopped\n$/);
  });

  it("serves the spdm-emu-sample preset with the sample's interface context: validate fails only the re-initialising GET_TDISP_VERSION", { timeout: 20_000 }, async () => {
    const server = await serve();
    const validate = run(['tdisp', 'validate', '--peer', `127.0.0.1:${server.port}`]);
    expect(await validate.exited).toBe(1);
    const lines = validate.stdout().trimEnd().split('\n');
    expect(lines.filter((l) => l.startsWith('FAIL'))).toEqual(['FAIL  version.keeps-interface-state']);
    expect(lines.at(-1)).toBe('validate: 2 advisories; 6 not applicable; 26 passed, 1 failed');
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });

  it('stops cleanly on SIGTERM', { timeout: 20_000 }, async () => {
    const server = await serve();
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(server.stderr()).toBe('teeio tdisp serve: stopped\n');
  });
});

describe('teeio tdisp validate', () => {
  it('passes every check on the built-in device', async () => {
    const r = await teeio(['tdisp', 'validate']);
    expect(r.code).toBe(0);
    expect(r.outLines[0]).toBe('teeio tdisp validate: the built-in device (preset default), TDI 01:00.0');
    expect(r.outLines.at(-1)).toMatch(SUMMARY);
    expect(r.outLines.at(-1)).toMatch(/ 0 failed$/);
  });

  it('prints JSON with --format json', async () => {
    const r = await teeio(['tdisp', 'validate', '--format', 'json', '--preset', 'spdm-emu-sample']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out) as { checks: { status: string; source?: string }[]; summary: { failed: number; notApplicable: number } };
    expect(report.summary).toMatchObject({ failed: 0, advisories: 2, notApplicable: 0 });
    expect(report.checks.filter((c) => c.status !== 'pass')).toEqual([
      expect.objectContaining({ id: 'capabilities.dev-addr-width-52', status: 'advisory', source: 'intel/tee-io-validator' }),
      expect.objectContaining({ id: 'capabilities.num-req-nonzero', status: 'advisory', source: 'intel/tee-io-validator' }),
    ]);
  });

  it('names an advisory with its source, and fails it with --strict', async () => {
    const lenient = await teeio(['tdisp', 'validate', '--preset', 'spdm-emu-sample']);
    expect(lenient.code).toBe(0);
    expect(lenient.outLines.at(-1)).toBe('validate: 2 advisories; 33 passed, 0 failed');
    const at = lenient.outLines.indexOf('ADV   capabilities.dev-addr-width-52');
    expect(lenient.outLines[at + 2]).toMatch(/^ {6}advisory \(intel\/tee-io-validator\): request \(GET_TDISP_CAPABILITIES\): devAddrWidth 48 is not at least 52/);
    const strict = await teeio(['tdisp', 'validate', '--preset', 'spdm-emu-sample', '--strict']);
    expect(strict.code).toBe(1);
    expect(strict.outLines.at(-1)).toBe('validate: 33 passed, 2 failed');
  });

  it('prints the checks run before the peer went away, then one line for the transport error: exit 2', async () => {
    const device = tdispOnlyDevice('default');
    let left = 40;
    const server = await serveSpdmEmu({
      port: 0,
      responderFor: () => ({ exchange: (m) => (left-- > 0 ? device.exchange(m) : Promise.reject(new Error('device gone'))), close: () => Promise.resolve() }),
      log: () => undefined,
    });
    cleanup.push(() => server.close());
    const r = await teeio(['tdisp', 'validate', '--peer', `127.0.0.1:${server.address.port}`, '--interface', '01:00.0']);
    expect(r.code).toBe(2);
    expect(r.outLines[1]).toBe('PASS  version.reports-1.0');
    expect(r.outLines.at(-1)).toMatch(SUMMARY);
    expect(r.errLines).toHaveLength(1);
    expect(r.errLines[0]).toMatch(/^teeio: --peer: spdm-emu 127\.0\.0\.1:\d+: /);
    left = 40;
    const json = await teeio(['tdisp', 'validate', '--peer', `127.0.0.1:${server.address.port}`, '--interface', '01:00.0', '--format', 'json']);
    expect(json.code).toBe(2);
    const report = JSON.parse(json.out) as { checks: unknown[]; error: string };
    expect(report.checks.length).toBeGreaterThan(0);
    expect(report.error).toBe(json.errLines[0]?.replace(/^teeio: /, ''));
  });

  it('exits 1 and shows rule, request and response for each failure of a peer', async () => {
    const server = await serveSpdmEmu({ port: 0, responderFor: () => likeSpdmEmuSample(tdispOnlyDevice('spdm-emu-sample')) });
    cleanup.push(() => server.close());
    const r = await teeio(['tdisp', 'validate', '--peer', `127.0.0.1:${server.address.port}`]);
    expect(r.code).toBe(1);
    expect(r.outLines.at(-1)).toBe('validate: 2 advisories; 6 not applicable; 23 passed, 4 failed');
    const at = r.outLines.indexOf('FAIL  stop.in-config-unlocked');
    expect(r.outLines.slice(at + 1, at + 5)).toEqual([
      expect.stringMatching(/^ {6}rule: {5}STOP_INTERFACE_REQUEST is legal in every TDI state/),
      '      failed:   request (STOP_INTERFACE_REQUEST): got TDISP_ERROR INVALID_INTERFACE_STATE (error_data 0x00000000), expected STOP_INTERFACE_RESPONSE',
      '      request:  10870000efbe00000000000000000000',
      '      response: 107f0000efbe000000000000000000000400000000000000',
    ]);
  });

  it('exits 2 with one line naming --peer for a malformed address', async () => {
    const r = await teeio(['tdisp', 'validate', '--peer', 'localhost:port']);
    expect(r.code).toBe(2);
    expect(r.errLines).toEqual(['teeio: --peer "localhost:port": expected HOST:PORT, HOST or [IPV6]:PORT']);
    expect(r.out).toBe('');
  });

  it('exits 2 with one line naming --peer for a port out of range', async () => {
    const r = await teeio(['tdisp', 'validate', '--peer', '127.0.0.1:70000']);
    expect(r.code).toBe(2);
    expect(r.errLines).toEqual(['teeio: --peer "127.0.0.1:70000": port 70000 is not in 1..65535']);
  });

  it('exits 2 for an unreachable peer', async () => {
    const port = await freePort();
    const r = await teeio(['tdisp', 'validate', '--peer', `127.0.0.1:${port}`]);
    expect(r.code).toBe(2);
    expect(r.errLines).toEqual([`teeio: --peer: spdm-emu 127.0.0.1:${port}: connection refused (is the responder running?)`]);
  });

  it('exits 2 for an --interface the built-in device does not have', async () => {
    const r = await teeio(['tdisp', 'validate', '--interface', '02:00.0']);
    expect(r.code).toBe(2);
    expect(r.errLines).toEqual(['teeio: --interface: the device has no TDI at 02:00.0; its TDIs: 01:00.0, 01:00.1']);
  });

  it('exits 2 for an --interface that does not parse', async () => {
    const r = await teeio(['tdisp', 'validate', '--interface', 'beef']);
    expect(r.code).toBe(2);
    expect(r.errLines).toEqual(["teeio: option '--interface <id>' argument 'beef' is invalid. expected a function_id in hex (0xbeef) or bus:device.function (be:1d.7) (see teeio tdisp validate --help)"]);
  });
});

describe('teeio tdisp serve input errors', () => {
  it('exits 2 naming --port for a port that is not one', async () => {
    const r = await teeio(['tdisp', 'serve', '--port', '99999']);
    expect(r.code).toBe(2);
    expect(r.errLines).toEqual(["teeio: option '--port <n>' argument '99999' is invalid. expected a TCP port, 0..65535 (0 picks a free one) (see teeio tdisp serve --help)"]);
  });

  it('exits 2 when the port is taken', async () => {
    const taken = await serveSpdmEmu({ port: 0, responderFor: () => tdispOnlyDevice('spdm-emu-sample') });
    cleanup.push(() => taken.close());
    const r = await teeio(['tdisp', 'serve', '--port', String(taken.address.port)]);
    expect(r.code).toBe(2);
    expect(r.errLines).toEqual([`teeio: --host/--port: spdm-emu 127.0.0.1:${taken.address.port}: cannot listen: EADDRINUSE`]);
  });
});

describe('teeio tdisp transcript --peer when the transport fails after connecting', () => {
  /** A loopback TCP server that answers every connection with `reply` (or with nothing). */
  async function rawServer(reply?: string): Promise<number> {
    const sockets: Socket[] = [];
    const server = createServer((socket) => {
      sockets.push(socket);
      socket.on('error', () => undefined);
      if (reply !== undefined) socket.end(reply);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    });
    return (server.address() as { port: number }).port;
  }

  it('exits 2 with the one line validate prints when the peer dies mid-run', async () => {
    const server = await serveSpdmEmu({
      port: 0,
      responderFor: () => ({ exchange: () => Promise.reject(new Error('device gone')), close: () => Promise.resolve() }),
      log: () => undefined,
    });
    cleanup.push(() => server.close());
    const peer = `127.0.0.1:${server.address.port}`;
    const transcript = await teeio(['tdisp', 'transcript', '--peer', peer]);
    const validate = await teeio(['tdisp', 'validate', '--peer', peer]);
    expect(transcript.code).toBe(2);
    expect(transcript.errLines).toHaveLength(1);
    expect(transcript.errLines[0]).toMatch(new RegExp(`^teeio: --peer: spdm-emu 127\\.0\\.0\\.1:${server.address.port}: `));
    expect(transcript.errLines).toEqual(validate.errLines);
  });

  it('exits 2 with one line for a peer that is not an spdm-emu server', async () => {
    const port = await rawServer('HTTP/1.1 400 Bad Request\r\n\r\n');
    const r = await teeio(['tdisp', 'transcript', '--peer', `127.0.0.1:${port}`]);
    expect(r.code).toBe(2);
    expect(r.errLines).toHaveLength(1);
    expect(r.errLines[0]).toMatch(new RegExp(`^teeio: --peer: spdm-emu 127\\.0\\.0\\.1:${port}: `));
  });

  it('exits 2 with one line for a peer that never answers, within --timeout', async () => {
    const port = await rawServer();
    const r = await teeio(['tdisp', 'transcript', '--peer', `127.0.0.1:${port}`, '--timeout', '200']);
    expect(r.code).toBe(2);
    expect(r.errLines).toHaveLength(1);
    expect(r.errLines[0]).toMatch(/^teeio: --peer: spdm-emu 127\.0\.0\.1:\d+: .*200 ms/);
  });
});
