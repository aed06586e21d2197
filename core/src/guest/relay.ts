import type { Bdf } from '../model/ids.js';
import type { Evidence } from '../ports/attestation.js';
import { toHex } from '../wire/index.js';
import type { World } from '../world/world.js';
import type { RelayState } from './state.js';

/** Evidence as the guest receives it: the blobs as the host relayed them (hex, as the guest keeps them). */
export interface RelayedEvidence extends Pick<Evidence, 'digests' | 'freshness'> {
  readonly blobs: RelayState['last'][Bdf];
}

/**
 * The host carries the evidence blobs to the guest through shared memory (SEV's blob table,
 * CCA's host cache, TDX's TDCM buffers). A malicious host may hand over the blobs it relayed
 * last time instead; the digests come over the protected channel and it cannot touch them.
 */
export function relayEvidence(w: World, tdi: Bdf, fresh: Evidence): RelayedEvidence {
  const previous = w.relay.last[tdi];
  const blobs = { certificates: toHex(fresh.certificates), measurements: toHex(fresh.measurements), interfaceReport: toHex(fresh.interfaceReport) };
  w.relay.last[tdi] = blobs;
  return { blobs: { ...(w.relay.replay && previous ? previous : blobs) }, digests: fresh.digests, freshness: fresh.freshness };
}
