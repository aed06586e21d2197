import { DEFAULT_SPDM_EMU_PORT } from './command.js';
import { SpdmEmuError } from './errors.js';

export interface PeerAddress {
  readonly host: string;
  readonly port: number;
}

/**
 * Parses `HOST:PORT`, `HOST` (the spdm-emu default port) or `[IPV6]:PORT`. Throws SpdmEmuError
 * (`bad-address`) naming the text and what is wrong with it.
 */
export function parsePeerAddress(text: string): PeerAddress {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s:[\]]+))(?::(\d+))?$/.exec(text);
  if (!m) throw new SpdmEmuError('bad-address', JSON.stringify(text), 'expected HOST:PORT, HOST or [IPV6]:PORT');
  const host = m[1] ?? (m[2] as string);
  const port = m[3] === undefined ? DEFAULT_SPDM_EMU_PORT : Number(m[3]);
  if (port < 1 || port > 0xffff) throw new SpdmEmuError('bad-address', JSON.stringify(text), `port ${m[3]} is not in 1..65535`);
  return { host, port };
}

/** HOST:PORT as people type it, with brackets around an IPv6 address. */
export function formatPeerAddress({ host, port }: PeerAddress): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
