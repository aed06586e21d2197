import {
  type Bdf,
  FIRMWARE_CALLS,
  type FirmwareCalls,
  type FwResult,
  type GuestAccessOutcome,
  type HostAccessOutcome,
  type MmioPort,
  OK,
  type PrivateMapping,
  type TeeMmioRange,
  type VmId,
  fail,
  withinPages,
} from '@teeio/core';
import { inject, injectable } from 'tsyringe';
import { DevsecFirmware } from './firmware.js';

/**
 * devsec keeps a table of private mappings and enforces nothing: a hypervisor mapping reaches
 * the device, as it would on a platform without TEE-IO. The plan is what must prevent it.
 */
@injectable()
export class DevsecMmio implements MmioPort {
  constructor(
    @inject(FIRMWARE_CALLS) private readonly calls: FirmwareCalls,
    @inject(DevsecFirmware) private readonly fw: DevsecFirmware,
  ) {}

  private find(vm: VmId, tdi: Bdf, range: TeeMmioRange) {
    return this.fw.state.mappings.find((m) => m.vm === vm && m.tdi === tdi && m.rangeIndex === range.rangeIndex);
  }

  mapPrivate(vm: VmId, tdi: Bdf, range: TeeMmioRange): FwResult {
    return this.calls.call('DEVSEC.MMIO_MAP', { vm, tdi, gpa: range.gpa, hpa: range.hpa, pages: range.pages }, () => {
      if (this.fw.tdi(tdi)?.vm !== vm) return fail('DEVSEC_NOT_BOUND', `${tdi} is not bound to ${vm}`);
      this.fw.state.mappings.push({ vm, tdi, rangeIndex: range.rangeIndex, rangeId: range.rangeId, gpa: range.gpa.toString(16), hpa: range.hpa.toString(16), pages: range.pages, guestUsable: false });
      return OK;
    });
  }

  unmapPrivate(vm: VmId, tdi: Bdf, range: TeeMmioRange): FwResult {
    return this.calls.call('DEVSEC.MMIO_UNMAP', { vm, tdi, gpa: range.gpa }, () => {
      this.fw.state.mappings = this.fw.state.mappings.filter((m) => m !== this.find(vm, tdi, range));
      return OK;
    });
  }

  guestAccept(vm: VmId, tdi: Bdf, range: TeeMmioRange): FwResult {
    return this.calls.call('DEVSEC.MMIO_ACCEPT', { vm, tdi, gpa: range.gpa }, () => {
      const m = this.find(vm, tdi, range);
      if (!m || m.gpa !== range.gpa.toString(16) || m.hpa !== range.hpa.toString(16)) return fail('DEVSEC_NOT_MAPPED', `no mapping of range ${range.rangeIndex} at 0x${range.gpa.toString(16)}`);
      m.guestUsable = true;
      return OK;
    });
  }

  guestRelease(vm: VmId, tdi: Bdf, range: TeeMmioRange): FwResult {
    return this.calls.call('DEVSEC.MMIO_RELEASE', { vm, tdi, gpa: range.gpa }, () => {
      const m = this.find(vm, tdi, range);
      if (m) m.guestUsable = false;
      return OK;
    });
  }

  hostAccessOutcome(_hpa: bigint, hostMapped: boolean): HostAccessOutcome {
    return hostMapped ? { reaches: true, effect: 'read through the hypervisor mapping' } : { reaches: false, effect: 'no hypervisor mapping' };
  }

  hostAccess(hpa: bigint, hostMapped: boolean): HostAccessOutcome {
    return this.hostAccessOutcome(hpa, hostMapped);
  }

  guestAccess(vm: VmId, gpa: bigint): GuestAccessOutcome {
    const hit = this.fw.state.mappings.find((m) => m.vm === vm && m.guestUsable && withinPages(gpa, BigInt(`0x${m.gpa}`), m.pages));
    return hit ? { reaches: true, effect: `private MMIO of ${hit.tdi}` } : { reaches: false, effect: 'no accepted private mapping' };
  }

  view(): readonly PrivateMapping[] {
    return this.fw.state.mappings.map((m) => ({ ...m, gpa: BigInt(`0x${m.gpa}`), hpa: BigInt(`0x${m.hpa}`) }));
  }
}
