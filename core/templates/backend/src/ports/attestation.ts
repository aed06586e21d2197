import { type AttestationPort, type Bdf, type Evidence, type FwResult, type VmId, inject, injectable } from '@teeio/core';
import { FirmwareModel } from '../firmware/firmware.js';
import { todo } from '../todo.js';

const FILE = 'src/ports/attestation.ts';

/** Evidence: what the guest gets through the host, and the digests the firmware vouches for. */
@injectable()
export class Attestation implements AttestationPort {
  constructor(@inject(FirmwareModel) protected readonly fw: FirmwareModel) {}

  register(vm: VmId, tdi: Bdf): FwResult {
    return todo(FILE, `register(${vm}, ${tdi}): make the TDI's evidence obtainable by its VM`);
  }

  getEvidence(vm: VmId, tdi: Bdf): FwResult<Evidence> {
    return todo(FILE, `getEvidence(${vm}, ${tdi}): blobs as the host relays them, digests from the firmware`);
  }

  freshness(vm: VmId, tdi: Bdf): FwResult<string> {
    return todo(FILE, `freshness(${vm}, ${tdi}): the token that changes with every LOCK`);
  }
}
