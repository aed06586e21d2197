import type { Bdf } from '../model/ids.js';
import type { Evidence } from '../ports/attestation.js';
import { fromHex, toHex } from '../wire/index.js';
import type { World } from '../world/world.js';

/**
 * The host carries the evidence blobs to the guest through shared memory (SEV's blob table,
 * CCA's host cache, TDX's TDCM buffers). A malicious host may hand over the blobs it relayed
 * last time instead; the digests come over the protected channel and it cannot touch them.
 */
export function relayEvidence(w: World, tdi: Bdf, fresh: Evidence): Evidence {
  const previous = w.relay.last[tdi];
  w.relay.last[tdi] = { certificates: toHex(fresh.certificates), measurements: toHex(fresh.measurements), interfaceReport: toHex(fresh.interfaceReport) };
  if (!w.relay.replay || !previous) return fresh;
  return { ...fresh, certificates: fromHex(previous.certificates), measurements: fromHex(previous.measurements), interfaceReport: fromHex(previous.interfaceReport) };
}
