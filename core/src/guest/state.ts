import type { Bdf, VmId } from '../model/ids.js';

/**
 * The confidential guest's view of one assigned device. Fields marked "ghost" are recorded for
 * the invariants from ground truth the guest itself cannot see (how often the TDI was locked).
 */
export interface GuestDeviceState {
  readonly guestRid: number;
  /** What the last evidence fetch returned: digests and freshness from the protected channel. */
  evidence?: {
    /** The blobs as relayed by the host, hex. */
    readonly blobs: { readonly certificates: string; readonly measurements: string; readonly interfaceReport: string };
    readonly digests: { readonly certificates: string; readonly measurements: string; readonly interfaceReport: string };
    readonly freshness: string;
    /** ghost: the TDI's lock epoch when the evidence was fetched. */
    readonly lockEpoch: number;
  };
  /** The blobs matched the protected digests. */
  verified: boolean;
  /** Why the guest refused the device, if it did. */
  rejected?: string;
  /** Report range indices the guest accepted or validated. */
  accepted: number[];
  /** ghost: lock epochs of the evidence the acceptance relied on, and of the TDI at acceptance. */
  acceptance?: { readonly evidenceEpoch: number; readonly tdiEpoch: number };
  running: boolean;
  dmaEnabled: boolean;
}

export interface GuestState {
  crashed: boolean;
  devices: Record<Bdf, GuestDeviceState>;
}

/** The untrusted host's relay of evidence blobs, and whether it replays old ones. */
export interface RelayState {
  replay: boolean;
  /** hex blobs of the last evidence relayed per TDI. */
  last: Record<Bdf, { certificates: string; measurements: string; interfaceReport: string }>;
}

export function initialGuests(assignments: readonly { tdi: Bdf; vm: VmId; guestRid: number }[], vms: readonly VmId[]): Record<VmId, GuestState> {
  const guests: Record<VmId, GuestState> = Object.fromEntries(vms.map((vm) => [vm, { crashed: false, devices: {} }]));
  for (const a of assignments) {
    const g = guests[a.vm];
    if (g) g.devices[a.tdi] = { guestRid: a.guestRid, verified: false, accepted: [], running: false, dmaEnabled: false };
  }
  return guests;
}
