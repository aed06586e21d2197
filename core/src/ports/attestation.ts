import type { Bdf, VmId } from '../model/ids.js';
import type { FwResult } from './result.js';

/**
 * Evidence as the guest receives it: bulky blobs through untrusted host memory, and digests
 * over a channel the host cannot forge (TDG.TDI.RD fields; SEV's VMPCK-protected TDI_INFO;
 * RSI_VDEV_GET_INFO).
 */
export interface Evidence {
  readonly certificates: Uint8Array;
  readonly measurements: Uint8Array;
  readonly interfaceReport: Uint8Array;
  /** Hex digests from the protected channel, one per blob. */
  readonly digests: { readonly certificates: string; readonly measurements: string; readonly interfaceReport: string };
  /**
   * What binds this evidence to one LOCK: it changes whenever the TDI is unlocked and locked
   * again (CCA lock_nonce, SEV intf_report_counter, TDX bind session).
   */
  readonly freshness: string;
}

/**
 * Evidence (certificates, measurements, interface report, digests, nonces), how the guest
 * obtains it through an untrusted host, and verification.
 *
 * | op | TDX Connect | SEV-TIO | CCA |
 * |---|---|---|---|
 * | register | TDI report/attestation-info hashes in the TDI context | TIO_DEV_MEASUREMENTS, certificates, report | VDEV evidence cache + RMM digests |
 * | getEvidence | TDCM GET_TDI_REPORT + TDG.TDI.RD hashes | TIO_MSG_TDI_INFO_REQ + blob table | RHI_DA_OBJECT_READ + RSI_VDEV_GET_INFO |
 * | freshness | TDG.TDI.RD (bind session) | TDI_INFO intf_report_counter | RSI_VDEV_GET_INFO lock_nonce |
 */
export interface AttestationPort {
  /** Makes the TDI's evidence obtainable by the VM it is bound to. */
  register(vm: VmId, tdi: Bdf): FwResult;
  /** The evidence the guest gets: blobs as the host relays them, digests from the firmware. */
  getEvidence(vm: VmId, tdi: Bdf): FwResult<Evidence>;
  /** The freshness token the firmware reports now, read by the guest over the protected channel. */
  freshness(vm: VmId, tdi: Bdf): FwResult<string>;
}
