import { hash } from 'node:crypto';
import type { Evidence } from '../ports/attestation.js';
import { fromHex } from '../wire/index.js';
import type { GuestDeviceState } from './state.js';

/** Digests in evidence are SHA-384, as SEV-TIO's 48-byte certs/meas/report digests. */
export function sha384(bytes: Uint8Array): string {
  return hash('sha384', bytes);
}

/** The blob whose digest does not match, or undefined when all three match. */
export function mismatchedBlob(e: NonNullable<GuestDeviceState['evidence']>): keyof Evidence['digests'] | undefined {
  const blobs = ['certificates', 'measurements', 'interfaceReport'] as const;
  return blobs.find((b) => sha384(fromHex(e.blobs[b])) !== e.digests[b]);
}
