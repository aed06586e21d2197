import { InvalidArgumentError, Option } from 'commander';
import type { TdispResponder } from '../device/responder.js';
import { DEFAULT_SPDM_EMU_TIMEOUT_MS, type PeerAddress, SpdmEmuError, connectSpdmEmu, parsePeerAddress } from '../transport/index.js';
import { CliError } from './exit-codes.js';

/**
 * `--peer HOST:PORT` and `--timeout MS`, shared by the commands that talk to an spdm-emu
 * responder, so that every transport failure reads the same whichever command met it.
 */

function parseTimeout(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new InvalidArgumentError('expected milliseconds, a positive integer');
  return Number(text);
}

export const timeoutOption = () =>
  new Option('--timeout <ms>', 'deadline for connecting to a peer and for each of its replies').argParser(parseTimeout).default(DEFAULT_SPDM_EMU_TIMEOUT_MS);

/**
 * A CliError naming --peer for whatever went wrong reaching it, at any point (exit 2: an
 * unreachable or broken peer is bad input). The error already names the address once.
 */
export function peerError(e: unknown, text: string): unknown {
  if (!(e instanceof SpdmEmuError)) return e;
  return new CliError(e.kind === 'bad-address' ? `--peer ${JSON.stringify(text)}: ${e.detail}` : `--peer: ${e.message}`);
}

/** Parses `text` and connects to it; any failure is peerError's one line. */
export async function connectPeer(text: string, timeoutMs: number): Promise<{ responder: TdispResponder; address: PeerAddress }> {
  try {
    const address = parsePeerAddress(text);
    return { responder: await connectSpdmEmu(address.host, address.port, { timeoutMs }), address };
  } catch (e) {
    throw peerError(e, text);
  }
}
