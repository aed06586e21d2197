import { type Bdf, type FwResult, OK, type VmId, fail } from '@teeio/core';
import { inject, injectable } from 'tsyringe';
import { TDX } from '../codes.js';
import { TdxFirmware } from './firmware.js';

/** [L-RFC] (Lu Baolu, arch spec §2.2): "The TDX module always sets this reserved bit on the trusted DMA table." */
const RESERVED_DID_BIT = 0x8000;

/**
 * Trusted DMA: the context and PASID table entries the module specifies for a TDI ([HOST-RFC]
 * 18/30: "extra trusted Device Context Table entries (but not present)"), the guest's
 * TDG.DMAR.ACCEPT that points them at the TD's S-EPT ("the same table for KVM S-EPT and Secure
 * IOMMU PT"), and their teardown. Host call names are the prototype's (TDH.DMAR.ADD/BLOCK/
 * REMOVE, TDH.IQINV.*), the only ones the sources give.
 */
@injectable()
export class DmarCalls {
  constructor(@inject(TdxFirmware) private readonly fw: TdxFirmware) {}

  /** TDH.DMAR.ADD: the TDI's trusted context entries, not present, in the TD's trusted domain. */
  dmarAdd(vm: VmId, tdi: Bdf): FwResult {
    return this.fw.call('TDH.DMAR.ADD', { rid: tdi, td: vm }, () => {
      if (!this.fw.td(vm)) return fail(TDX.OPERAND_INVALID, `${vm} has no TD`);
      const d = this.fw.devif(tdi);
      if (!d || d.td !== vm) return fail(TDX.OPERAND_INVALID, `${tdi} is not a device interface of ${vm}`);
      if (this.fw.state.dmar[tdi]) return fail(TDX.DMAR_INVALID_MAPPING_STATE, `${tdi} has trusted context entries already`);
      this.fw.state.dmar[tdi] = { tdi, td: vm, state: 'PENDING', invalidated: true };
      return OK;
    });
  }

  /** TDG.DMAR.ACCEPT(func_id, vm_idx): SLPTR := the TD's S-EPT root, DID |= HKID, present ([MOD] tdg_dmar_accept.c). */
  tdgDmarAccept(vm: VmId, tdi: Bdf): FwResult {
    return this.fw.call('TDG.DMAR.ACCEPT', { funcId: tdi, vmIdx: 0 }, () => {
      const d = this.fw.devif(tdi);
      if (!d) return fail(TDX.OPERAND_INVALID, `${tdi} has no DEVIF`);
      if (d.tdispSts !== 'CONFIG_LOCKED' && d.tdispSts !== 'RUN' && this.fw.enforces('dmar-accept-requires-locked'))
        return fail(TDX.DEVIF_TDISP_INVALID_STATE, `${tdi} is ${d.tdispSts}, not CONFIG_LOCKED or RUN`);
      const td = this.fw.td(vm);
      if (d.td !== vm || !td) return fail(TDX.OPERAND_INVALID, `${tdi} is not a device interface of ${vm}`);
      const e = this.fw.state.dmar[tdi];
      if (!e || (e.state !== 'PENDING' && e.state !== 'PRESENT')) return fail(TDX.DMAR_INVALID_MAPPING_STATE, `the trusted context of ${tdi} is ${e?.state ?? 'absent'}`);
      Object.assign(e, { state: 'PRESENT', slptr: `S-EPT root of ${vm}`, did: RESERVED_DID_BIT | td.hkid, invalidated: false });
      d.dmarMapped = true;
      return OK;
    });
  }

  /** TDH.DMAR.BLOCK: the entry stops translating; an invalidation must follow before removal. */
  dmarBlock(tdi: Bdf): FwResult {
    return this.fw.call('TDH.DMAR.BLOCK', { rid: tdi }, () => {
      const e = this.fw.state.dmar[tdi];
      if (!e || e.state === 'BLOCKED') return fail(TDX.DMAR_INVALID_MAPPING_STATE, `the trusted context of ${tdi} is ${e?.state ?? 'absent'}`);
      e.state = 'BLOCKED';
      e.invalidated = false;
      return OK;
    });
  }

  /** TDH.IQINV.REQ (with TDH.IQINV.PROC folded in): the IOMMU invalidation of the blocked entry. */
  iqInvalidate(tdi: Bdf): FwResult {
    return this.fw.call('TDH.IQINV.REQ', { rid: tdi }, () => {
      const e = this.fw.state.dmar[tdi];
      if (!e) return fail(TDX.DMAR_INVALID_MAPPING_STATE, `${tdi} has no trusted context`);
      e.invalidated = true;
      return OK;
    });
  }

  /** TDH.DMAR.REMOVE: only a blocked, invalidated entry ([MOD] tdh_dmar_remove.c); clears the DEVIF's dmar_mapped_flag. */
  dmarRemove(tdi: Bdf): FwResult {
    return this.fw.call('TDH.DMAR.REMOVE', { rid: tdi }, () => {
      const e = this.fw.state.dmar[tdi];
      if (!e) return fail(TDX.DMAR_INVALID_MAPPING_STATE, `${tdi} has no trusted context`);
      if (this.fw.enforces('dmar-remove-requires-block-and-invalidation')) {
        if (e.state !== 'BLOCKED') return fail(TDX.DMAR_INVALID_MAPPING_STATE, `the trusted context of ${tdi} is ${e.state}, not BLOCKED`);
        if (!e.invalidated) return fail(TDX.DMAR_INVALID_INV_STATE, `the IOTLB invalidation for ${tdi} is not done`);
      }
      delete this.fw.state.dmar[tdi];
      const d = this.fw.devif(tdi);
      if (d) d.dmarMapped = false;
      return OK;
    });
  }
}
