import type { Socket } from 'node:net';
import type { TdispResponder } from '../../device/responder.js';
import { SpdmEmuCommand, SpdmEmuTransportType, describeCommand } from './command.js';
import { doeFrame, encodeSpdmEmuFrame, type SpdmEmuFrame } from './frame.js';
import { SpdmEmuFrameReader } from './frame-reader.js';

/** spdm_responder_emu answers TEST with this fixed text (C string, NUL included), not an echo. */
const TEST_REPLY = new TextEncoder().encode('Server Hello!\0');

export interface ConnectionOptions {
  /** Names the client in log lines (its HOST:PORT). */
  readonly label: string;
  readonly log: (line: string) => void;
  readonly maxPayload?: number;
}

/**
 * Serves one accepted connection the way spdm_responder_emu does, with the TDISP device
 * behind DECAP_TDISP. Resolves when the connection is gone: the client left, said SHUTDOWN
 * or CONTINUE, or sent a malformed frame (which closes it with a logged reason).
 */
export function serveSpdmEmuConnection(socket: Socket, responder: TdispResponder, options: ConnectionOptions): Promise<void> {
  const { label, log } = options;
  const reader = new SpdmEmuFrameReader(options.maxPayload);
  let dropped = false;
  const drop = (reason: string) => {
    if (socket.destroyed) return;
    dropped = true;
    log(`${label}: closing the connection: ${reason}`);
    socket.destroy();
  };
  const reply = (frame: SpdmEmuFrame) => {
    // The client may have gone while the device was answering.
    if (socket.writable) socket.write(encodeSpdmEmuFrame(frame));
  };

  async function handle(frame: SpdmEmuFrame): Promise<void> {
    // Frames queued behind a SHUTDOWN, CONTINUE or malformed frame go unanswered.
    if (!socket.writable) return;
    // With --decap_tdisp the sample answers DECAP_TDISP whatever transport_type says
    // (tdisp-wire addendum "the [E] sample responder"); every other frame must match.
    if (frame.transportType !== SpdmEmuTransportType.PCI_DOE && frame.command !== SpdmEmuCommand.DECAP_TDISP) {
      return drop(`frame has transport_type ${frame.transportType}, expected PCI_DOE (2)`);
    }
    switch (frame.command) {
      case SpdmEmuCommand.DECAP_TDISP: {
        const response = await responder.exchange(frame.payload).catch((e: unknown) => drop(`the device failed: ${e instanceof Error ? e.message : String(e)}`));
        if (response) reply(doeFrame(SpdmEmuCommand.NORMAL, response));
        return;
      }
      // A NORMAL frame over PCI_DOE carries a DOE data object (tdisp-wire §1a): the device's
      // mailbox answers it, DOE Discovery first, as the DMTF requester's pci_doe_init_requester asks.
      case SpdmEmuCommand.NORMAL: {
        if (responder.doe === undefined) break;
        const result = responder.doe.exchange(frame.payload);
        if (result.ok) return reply(doeFrame(SpdmEmuCommand.NORMAL, result.response));
        // A real mailbox sets its Error bit and answers nothing; the socket has no such bit.
        reply(doeFrame(SpdmEmuCommand.UNKNOWN));
        log(`${label}: closing the connection: the DOE mailbox refused the object: ${result.reason}: ${result.detail}`);
        socket.end();
        return;
      }
      case SpdmEmuCommand.TEST:
        return reply(doeFrame(SpdmEmuCommand.TEST, TEST_REPLY));
      // The reference ends the connection after both; after SHUTDOWN it also exits, where
      // teeio keeps listening (stopping the server is its own user's decision: Ctrl-C).
      case SpdmEmuCommand.SHUTDOWN:
      case SpdmEmuCommand.CONTINUE:
        reply(doeFrame(frame.command));
        socket.end();
        return;
      default:
        // SPDM (NORMAL) and the OOB commands need an SPDM stack teeio does not model. The
        // sample answers an unknown command with UNKNOWN, then closes (tdisp-wire addendum).
        // end(), not destroy(): the UNKNOWN must leave before the connection closes.
        reply(doeFrame(SpdmEmuCommand.UNKNOWN));
        log(`${label}: closing the connection: ${describeCommand(frame.command)} is not served: answered UNKNOWN`);
        socket.end();
        return;
    }
  }

  return new Promise((resolve) => {
    let work = Promise.resolve();
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const frame of reader.push(chunk)) work = work.then(() => handle(frame)).catch((e: unknown) => drop(`internal error: ${String(e)}`));
      } catch (e) {
        drop((e as Error).message);
      }
    });
    socket.on('error', (e: NodeJS.ErrnoException) => log(`${label}: ${e.code ?? e.message}`));
    socket.on('close', () => {
      // After drop() the server closed it, and has said why; the frame it cut short is no news.
      const partial = dropped ? undefined : reader.partial();
      if (partial !== undefined) log(`${label}: the client closed the connection mid-frame, after ${partial}`);
      void work.then(resolve);
    });
    // A connection that waited for its turn was paused; a 'data' listener does not undo that.
    socket.resume();
  });
}
