import { hash } from 'node:crypto';
import type { Evidence } from '../ports/attestation.js';
import { BoundedCache } from '../util/bounded-cache.js';
import { fromHex } from '../wire/index.js';
import type { GuestDeviceState } from './state.js';

/** Digests in evidence are SHA-384, as SEV-TIO's 48-byte certs/meas/report digests. */
export function sha384(bytes: Uint8Array): string {
  return hash('sha384', bytes);
}

/**
 * sha384 of blobs held as hex, as the guest state keeps evidence: a guest verifies the same
 * certificates and measurements at every attestation of every run of a scenario.
 */
const digestsOfHex = new BoundedCache<string, string>(256);

/** The blob whose digest does not match, or undefined when all three match. */
export function mismatchedBlob(e: NonNullable<GuestDeviceState['evidence']>): keyof Evidence['digests'] | undefined {
  const blobs = ['certificates', 'measurements', 'interfaceReport'] as const;
  return blobs.find((b) => digestsOfHex.get(e.blobs[b], (hex) => sha384(fromHex(hex))) !== e.digests[b]);
}
