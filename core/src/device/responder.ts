import type { DoeResult } from './doe-mailbox.js';

/**
 * Anything that answers raw TDISP requests (bytes from the TDISP header on, no SPDM or DOE
 * wrapping): the simulated device, or an external responder behind a transport. The
 * transcript, the responder validator and the spdm-emu server talk to devices only through this.
 */
export interface TdispResponder {
  /** Sends one request and resolves with the responder's raw response. */
  exchange(request: Uint8Array): Promise<Uint8Array>;
  /**
   * The DOE mailbox behind the responder, when it has one (the simulated device): what a
   * transport carrying DOE data objects (spdm-emu NORMAL frames over PCI_DOE) talks to.
   */
  readonly doe?: { exchange(request: Uint8Array): DoeResult };
  /** Releases whatever the responder holds (a socket); idempotent. */
  close(): Promise<void>;
}
