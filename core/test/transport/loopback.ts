import { createServer, type Server, type Socket } from 'node:net';
import { SpdmEmuFrameReader, type SpdmEmuFrame } from '../../src/index.js';

/** A loopback server that hands every request frame to `onFrame`, to answer or misbehave. */
export interface ScriptedPeer {
  readonly port: number;
  /** Every frame received, in order. */
  readonly received: SpdmEmuFrame[];
  close(): Promise<void>;
}

export async function scriptedPeer(onFrame: (frame: SpdmEmuFrame, socket: Socket) => void): Promise<ScriptedPeer> {
  const received: SpdmEmuFrame[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const reader = new SpdmEmuFrameReader();
    socket.on('data', (chunk) => {
      for (const frame of reader.push(chunk)) {
        received.push(frame);
        onFrame(frame, socket);
      }
    });
  });
  const port = await listen(server);
  return {
    port,
    received,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
}

/** A loopback port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}
