/** What went wrong talking to an spdm-emu socket; each is a distinct, testable failure. */
export type SpdmEmuErrorKind =
  | 'bad-address' // the HOST:PORT text does not parse
  | 'listen' // a server cannot listen there (address in use, not permitted)
  | 'refused' // nothing listens there
  | 'unreachable' // no route, unknown host, connection reset
  | 'timeout' // nothing (or no connection) within the deadline
  | 'short-read' // part of a frame arrived, then nothing until the deadline
  | 'closed' // the peer closed the connection between frames
  | 'truncated' // the peer closed the connection inside a frame
  | 'oversized' // a payload size field above the limit
  | 'unexpected-command' // a reply with a command the request does not call for
  | 'unexpected-transport'; // a frame whose transport_type is not PCI_DOE

/**
 * The only error the spdm-emu transport throws. The message is one line: where (the peer
 * address, or the frame) and what is wrong there.
 */
export class SpdmEmuError extends Error {
  override readonly name = 'SpdmEmuError';
  constructor(
    readonly kind: SpdmEmuErrorKind,
    /** The peer as HOST:PORT, or `frame` for a codec error with no socket. */
    readonly where: string,
    readonly detail: string,
  ) {
    super(`spdm-emu ${where}: ${detail}`);
  }

  /** The same error, located at a peer (codec errors are raised before the socket is known). */
  at(where: string): SpdmEmuError {
    return new SpdmEmuError(this.kind, where, this.detail);
  }
}
