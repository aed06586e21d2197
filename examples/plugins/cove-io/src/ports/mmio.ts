import { type Bdf, type FwResult, type GuestAccessOutcome, type HostAccessOutcome, type MmioPort, OK, type PrivateMapping, type TeeMmioRange, type VmId, inject, injectable } from '@teeio/core';
import { STATUS } from '../codes.js';
import { FirmwareModel } from '../firmware/firmware.js';
import type { MappingRecord, RangeRecord } from '../firmware/state.js';
import { TdiCalls } from '../firmware/tdi.js';

const PAGE = 0x1000n;

const contains = (r: RangeRecord, base: 'gpa' | 'hpa', address: bigint): boolean => {
  const start = BigInt(`0x${r[base]}`);
  return address >= start && address < start + BigInt(r.pages) * PAGE;
};

const sameRange = (m: MappingRecord, vm: VmId, tdi: Bdf, range: TeeMmioRange): boolean => m.vm === vm && m.tdi === tdi && m.rangeIndex === range.rangeIndex;

/**
 * Private MMIO of a TVM. AP-TEE-IO v0.1 [cove-io] gives the host no call per range: the region
 * added before bind covers them, and the host only fills the TVM's G-stage entries; the TVM maps
 * each range with COVG map_interface_mmio, and the mapping is enabled only once the TVM has
 * started the interface (RUN). A hypervisor access to an interface's MMIO faults: the TSM keeps
 * it confidential from add_tvm_interface_region on (model: an access fault, no device access).
 */
@injectable()
export class Mmio implements MmioPort {
  constructor(
    @inject(FirmwareModel) private readonly fw: FirmwareModel,
    @inject(TdiCalls) private readonly tdis: TdiCalls,
  ) {}

  mapPrivate(vm: VmId, tdi: Bdf, range: TeeMmioRange): FwResult {
    const record = this.tdis.ownedBy(vm, tdi);
    if (!record.ok) return record;
    const known = record.value.ranges.find((r) => r.rangeIndex === range.rangeIndex);
    if (!known) return FirmwareModel.fail(STATUS.INVALID_ADDRESS, `${tdi}: range ${range.rangeIndex} is not in its report`);
    if (!this.fw.state.mappings.some((m) => sameRange(m, vm, tdi, range))) this.fw.state.mappings.push({ ...known, vm, tdi, accepted: false });
    return OK;
  }

  unmapPrivate(vm: VmId, tdi: Bdf, range: TeeMmioRange): FwResult {
    this.fw.state.mappings = this.fw.state.mappings.filter((m) => !sameRange(m, vm, tdi, range));
    return OK;
  }

  /** COVG map_interface_mmio: the TVM takes the range; usable once it starts the interface. */
  guestAccept(vm: VmId, tdi: Bdf, range: TeeMmioRange): FwResult {
    return this.fw.call('COVG.MAP_INTERFACE_MMIO', { vm, tdi, range: range.rangeIndex, gpa: range.gpa }, () => {
      const record = this.tdis.ownedBy(vm, tdi);
      if (!record.ok) return record;
      if (this.fw.enforces('map-requires-locked') && record.value.state === 'UNLOCKED') {
        return FirmwareModel.fail(STATUS.INVALID_STATE, `${tdi}: CONFIG_UNLOCKED, no report to map from`);
      }
      const mapping = this.fw.state.mappings.find((m) => sameRange(m, vm, tdi, range));
      if (!mapping) return FirmwareModel.fail(STATUS.INVALID_ADDRESS, `${tdi}: range ${range.rangeIndex} not in ${vm}'s G-stage`);
      mapping.accepted = true;
      return OK;
    });
  }

  /** The TVM gives the range back (v0.1 names no call for it: model choice, no SBI call). */
  guestRelease(vm: VmId, tdi: Bdf, range: TeeMmioRange): FwResult {
    for (const m of this.fw.state.mappings) if (sameRange(m, vm, tdi, range)) m.accepted = false;
    return OK;
  }

  hostAccessOutcome(hpa: bigint, hostMapped: boolean): HostAccessOutcome {
    const confidential = Object.values(this.fw.state.tdis).some((t) => t.ranges.some((r) => contains(r, 'hpa', hpa)));
    if (confidential) return { reaches: false, effect: 'access fault: MMIO confidential to a TVM' };
    return { reaches: hostMapped, effect: hostMapped ? 'host mapping' : 'no host mapping' };
  }

  hostAccess(hpa: bigint, hostMapped: boolean, _write: boolean): HostAccessOutcome {
    return this.hostAccessOutcome(hpa, hostMapped);
  }

  guestAccess(vm: VmId, gpa: bigint, _write: boolean): GuestAccessOutcome {
    const mapping = this.fw.state.mappings.find((m) => m.vm === vm && contains(m, 'gpa', gpa));
    if (!mapping) return { reaches: false, effect: 'guest page fault: no mapping' };
    if (!mapping.accepted) return { reaches: false, effect: 'guest page fault: not mapped by map_interface_mmio' };
    if (this.fw.state.tdis[mapping.tdi]?.state !== 'RUN') return { reaches: false, effect: 'guest page fault: interface not started' };
    return { reaches: true, effect: 'device MMIO' };
  }

  view(): readonly PrivateMapping[] {
    return this.fw.state.mappings.map(({ accepted, ...m }) => ({ ...m, gpa: BigInt(`0x${m.gpa}`), hpa: BigInt(`0x${m.hpa}`), guestUsable: accepted }));
  }
}
