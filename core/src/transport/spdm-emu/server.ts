import { createServer, type Server, type Socket } from 'node:net';
import type { TdispResponder } from '../../device/responder.js';
import { DEFAULT_SPDM_EMU_PORT } from './command.js';
import { serveSpdmEmuConnection } from './connection.js';
import { SpdmEmuError } from './errors.js';
import { formatPeerAddress, type PeerAddress } from './peer-address.js';

export interface SpdmEmuServerOptions {
  /** Loopback unless asked otherwise: the device model has no access control. */
  readonly host?: string;
  /** 0 picks a free port (read it back from `address`). */
  readonly port?: number;
  /**
   * Serve connections concurrently. Without it, like spdm_responder_emu, one connection is
   * served at a time and later ones wait (accepted, unread) until it ends.
   */
  readonly multi?: boolean;
  /** The device each connection talks to, made when its turn comes; closed when it ends. */
  readonly responderFor: () => TdispResponder | Promise<TdispResponder>;
  /** One line per event worth telling (connections, malformed frames). */
  readonly log?: (line: string) => void;
  readonly maxPayload?: number;
}

export interface SpdmEmuServer {
  /** Where it listens, with the real port when 0 was asked for. */
  readonly address: PeerAddress;
  /** Stops listening, drops every connection and closes their devices. */
  close(): Promise<void>;
}

/** Serves TDISP devices behind spdm-emu's socket framing (PCI_DOE, DECAP_TDISP). */
export async function serveSpdmEmu(options: SpdmEmuServerOptions): Promise<SpdmEmuServer> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? DEFAULT_SPDM_EMU_PORT;
  const turns = new Turns(options);
  const server = createServer((socket) => turns.arrive(socket));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => reject(new SpdmEmuError('listen', formatPeerAddress({ host, port }), `cannot listen: ${e.code ?? e.message}`)));
    server.listen({ host, port }, resolve);
  });
  const bound = server.address();
  const address = typeof bound === 'object' && bound !== null ? { host: bound.address, port: bound.port } : { host, port };
  return { address, close: () => turns.closeAll(server) };
}

/** Which connections are served and which wait for their turn. */
class Turns {
  private readonly served = new Map<Socket, Promise<void>>();
  private readonly waiting: Socket[] = [];
  private readonly log: (line: string) => void;

  constructor(private readonly options: SpdmEmuServerOptions) {
    this.log = options.log ?? (() => undefined);
  }

  arrive(socket: Socket): void {
    // Errors on a waiting socket (a reset) must not crash the server; serving logs its own.
    socket.on('error', () => undefined);
    socket.setNoDelay(true);
    if (this.options.multi || this.served.size === 0) return this.serve(socket);
    socket.pause();
    this.waiting.push(socket);
    this.log(`${label(socket)}: waiting: one connection at a time (--multi serves several)`);
  }

  async closeAll(server: Server): Promise<void> {
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of [...this.waiting.splice(0), ...this.served.keys()]) socket.destroy();
    await Promise.all([stopped, ...this.served.values()]);
  }

  private serve(socket: Socket): void {
    const name = label(socket);
    this.log(`${name}: connected`);
    const done = this.session(socket, name)
      .catch((e: unknown) => this.log(`${name}: ${e instanceof Error ? e.message : String(e)}`))
      .finally(() => {
        this.served.delete(socket);
        this.log(`${name}: disconnected`);
        this.next();
      });
    this.served.set(socket, done);
  }

  private async session(socket: Socket, name: string): Promise<void> {
    let responder: TdispResponder;
    try {
      responder = await this.options.responderFor();
    } catch (e) {
      this.log(`${name}: closing the connection: no device: ${e instanceof Error ? e.message : String(e)}`);
      socket.destroy();
      return;
    }
    try {
      await serveSpdmEmuConnection(socket, responder, { label: name, log: this.log, maxPayload: this.options.maxPayload });
    } finally {
      await responder.close();
    }
  }

  private next(): void {
    while (this.served.size === 0 && this.waiting.length > 0) {
      const socket = this.waiting.shift() as Socket;
      if (!socket.destroyed) this.serve(socket);
    }
  }
}

function label(socket: Socket): string {
  return formatPeerAddress({ host: socket.remoteAddress ?? '?', port: socket.remotePort ?? 0 });
}
