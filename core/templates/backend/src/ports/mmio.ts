import { type Bdf, type FwResult, type GuestAccessOutcome, type HostAccessOutcome, type MmioPort, type PrivateMapping, type TeeMmioRange, type VmId, inject, injectable } from '@teeio/core';
import { FirmwareModel } from '../firmware/firmware.js';
import { todo } from '../todo.js';

const FILE = 'src/ports/mmio.ts';

/** Private MMIO in the VM's secure stage 2, the guest's accept step, and what a host access does. */
@injectable()
export class Mmio implements MmioPort {
  constructor(@inject(FirmwareModel) protected readonly fw: FirmwareModel) {}

  mapPrivate(vm: VmId, tdi: Bdf, range: TeeMmioRange): FwResult {
    return todo(FILE, `mapPrivate(${vm}, ${tdi}, range ${range.rangeIndex}): the firmware call that maps a report range into the secure stage 2`);
  }

  unmapPrivate(vm: VmId, tdi: Bdf, range: TeeMmioRange): FwResult {
    return todo(FILE, `unmapPrivate(${vm}, ${tdi}, range ${range.rangeIndex})`);
  }

  guestAccept(vm: VmId, tdi: Bdf, range: TeeMmioRange): FwResult {
    return todo(FILE, `guestAccept(${vm}, ${tdi}, range ${range.rangeIndex}): the guest's accept or validate call`);
  }

  guestRelease(vm: VmId, tdi: Bdf, range: TeeMmioRange): FwResult {
    return todo(FILE, `guestRelease(${vm}, ${tdi}, range ${range.rangeIndex})`);
  }

  hostAccessOutcome(hpa: bigint, hostMapped: boolean): HostAccessOutcome {
    return todo(FILE, `hostAccessOutcome(0x${hpa.toString(16)}, ${hostMapped}): what a hypervisor access to private MMIO does on your arch (pure)`);
  }

  hostAccess(hpa: bigint, hostMapped: boolean, write: boolean): HostAccessOutcome {
    return todo(FILE, `hostAccess(0x${hpa.toString(16)}, ${hostMapped}, ${write}): hostAccessOutcome plus its side effects`);
  }

  guestAccess(vm: VmId, gpa: bigint, write: boolean): GuestAccessOutcome {
    return todo(FILE, `guestAccess(${vm}, 0x${gpa.toString(16)}, ${write})`);
  }

  view(): readonly PrivateMapping[] {
    return [];
  }
}
