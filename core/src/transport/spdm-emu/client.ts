import { connect, type Socket } from 'node:net';
import type { TdispResponder } from '../../device/responder.js';
import { SpdmEmuCommand, SpdmEmuTransportType, describeCommand } from './command.js';
import { SpdmEmuError } from './errors.js';
import { doeFrame, encodeSpdmEmuFrame, type SpdmEmuFrame } from './frame.js';
import { SpdmEmuFrameReader } from './frame-reader.js';
import { formatPeerAddress } from './peer-address.js';

export interface SpdmEmuClientOptions {
  /** Deadline in ms for connecting, for each reply, and for the SHUTDOWN on close. */
  readonly timeoutMs?: number;
  /** The largest reply payload accepted; a bigger size field is an error, not an allocation. */
  readonly maxPayload?: number;
}

export const DEFAULT_SPDM_EMU_TIMEOUT_MS = 3000;

/**
 * Connects to an spdm-emu responder started with `--trans PCI_DOE --decap_tdisp` (or to
 * `teeio tdisp serve`) and returns it as a TdispResponder: each exchange is one DECAP_TDISP
 * frame answered by one NORMAL frame. Rejects with SpdmEmuError when the connection fails.
 */
export function connectSpdmEmu(host: string, port: number, options: SpdmEmuClientOptions = {}): Promise<TdispResponder> {
  const peer = formatPeerAddress({ host, port });
  const timeoutMs = options.timeoutMs ?? DEFAULT_SPDM_EMU_TIMEOUT_MS;
  if (!Number.isInteger(port) || port < 1 || port > 0xffff) {
    return Promise.reject(new SpdmEmuError('bad-address', peer, `port ${port} is not in 1..65535`));
  }
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new SpdmEmuError('timeout', peer, `no connection within ${timeoutMs} ms`));
    }, timeoutMs);
    const onError = (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(connectError(e, peer));
    };
    socket.once('error', onError);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', onError);
      socket.setNoDelay(true);
      resolve(new SpdmEmuClient(socket, peer, timeoutMs, options.maxPayload));
    });
  });
}

function connectError(e: NodeJS.ErrnoException, peer: string): SpdmEmuError {
  if (e.code === 'ECONNREFUSED') return new SpdmEmuError('refused', peer, 'connection refused (is the responder running?)');
  if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') return new SpdmEmuError('unreachable', peer, 'unknown host');
  return new SpdmEmuError('unreachable', peer, `cannot connect: ${e.code ?? e.message}`);
}

/** A reply being waited for. */
interface Pending {
  readonly command: number;
  readonly timer: NodeJS.Timeout;
  resolve(frame: SpdmEmuFrame): void;
  reject(e: SpdmEmuError): void;
}

class SpdmEmuClient implements TdispResponder {
  private readonly reader: SpdmEmuFrameReader;
  private pending: Pending | undefined;
  /** Set once the connection is unusable; every later exchange rejects with it. */
  private failure: SpdmEmuError | undefined;
  /** spdm-emu answers strictly one request at a time, so exchanges queue here. */
  private queue: Promise<unknown> = Promise.resolve();
  private closing: Promise<void> | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly peer: string,
    private readonly timeoutMs: number,
    maxPayload?: number,
  ) {
    this.reader = new SpdmEmuFrameReader(maxPayload);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (e: NodeJS.ErrnoException) => this.fail(new SpdmEmuError('closed', peer, `connection lost: ${e.code ?? e.message}`)));
    socket.on('close', () => this.fail(this.closedError()));
  }

  exchange(request: Uint8Array): Promise<Uint8Array> {
    return this.serialised(() => this.roundTrip(doeFrame(SpdmEmuCommand.DECAP_TDISP, request), SpdmEmuCommand.NORMAL));
  }

  /** Says SHUTDOWN (as spdm_requester_emu does when it is done), then drops the connection. */
  close(): Promise<void> {
    this.closing ??= this.serialised(async () => {
      if (this.failure === undefined) await this.roundTrip(doeFrame(SpdmEmuCommand.SHUTDOWN), SpdmEmuCommand.SHUTDOWN).catch(() => undefined);
      this.fail(new SpdmEmuError('closed', this.peer, 'connection closed by this client'));
    });
    return this.closing;
  }

  private serialised<T>(task: () => Promise<T>): Promise<T> {
    const result = this.queue.then(task);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async roundTrip(request: SpdmEmuFrame, expected: number): Promise<Uint8Array> {
    const reply = await new Promise<SpdmEmuFrame>((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      const timer = setTimeout(() => this.fail(this.timeoutError()), this.timeoutMs);
      this.pending = { command: request.command, timer, resolve, reject };
      this.socket.write(encodeSpdmEmuFrame(request));
    });
    if (reply.command !== expected) {
      throw new SpdmEmuError('unexpected-command', this.peer, `reply to ${describeCommand(request.command)} has command ${describeCommand(reply.command)}, expected ${describeCommand(expected)}`);
    }
    if (reply.transportType !== SpdmEmuTransportType.PCI_DOE) {
      throw new SpdmEmuError('unexpected-transport', this.peer, `reply has transport_type ${reply.transportType}, expected PCI_DOE (2)`);
    }
    return reply.payload;
  }

  private onData(chunk: Buffer): void {
    let frames: SpdmEmuFrame[];
    try {
      frames = this.reader.push(chunk);
    } catch (e) {
      return this.fail(e instanceof SpdmEmuError ? e.at(this.peer) : new SpdmEmuError('closed', this.peer, String(e)));
    }
    for (const frame of frames) {
      const pending = this.take();
      if (!pending) return this.fail(new SpdmEmuError('unexpected-command', this.peer, `sent ${describeCommand(frame.command)} unasked`));
      pending.resolve(frame);
    }
  }

  private take(): Pending | undefined {
    const p = this.pending;
    if (p) clearTimeout(p.timer);
    this.pending = undefined;
    return p;
  }

  /** Marks the connection unusable (the first reason wins), fails the waiting exchange, drops the socket. */
  private fail(e: SpdmEmuError): void {
    this.failure ??= e;
    this.take()?.reject(this.failure);
    this.socket.destroy();
  }

  private closedError(): SpdmEmuError {
    const partial = this.reader.partial();
    if (partial !== undefined) return new SpdmEmuError('truncated', this.peer, `closed the connection mid-frame, after ${partial}`);
    const waiting = this.pending ? ` before replying to ${describeCommand(this.pending.command)}` : '';
    return new SpdmEmuError('closed', this.peer, `closed the connection${waiting}`);
  }

  private timeoutError(): SpdmEmuError {
    const partial = this.reader.partial();
    if (partial !== undefined) return new SpdmEmuError('short-read', this.peer, `short read: ${partial}, then nothing for ${this.timeoutMs} ms`);
    const command = describeCommand(this.pending?.command ?? SpdmEmuCommand.DECAP_TDISP);
    return new SpdmEmuError('timeout', this.peer, `no reply to ${command} within ${this.timeoutMs} ms`);
  }
}
