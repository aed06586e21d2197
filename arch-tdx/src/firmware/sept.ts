import { type Bdf, type FwResult, OK, type TeeMmioRange, type VmId, fail } from '@teeio/core';
import { inject, injectable } from 'tsyringe';
import { TDX } from '../codes.js';
import { teeRangesOf } from './devif.js';
import { TdxFirmware } from './firmware.js';
import type { SeptMmioLeaf } from './state.js';

const hex = (v: bigint): string => `0x${v.toString(16)}`;
/** [GUIDE]: private MMIO must be above 4 GB. */
const FOUR_GIB = 0x1_0000_0000n;

/**
 * Private MMIO in the TD's S-EPT ([MMIO-RFC] 12/12 hooks KVM's set/zap/drop to TDH.MMIO.MAP,
 * TDH.MMIO.BLOCK and TDH.MMIO.UNMAP; [MOD] gives their checks), the guest's TDG.MMIO.ACCEPT,
 * and TDH.MEM.TRACK, which the base ABI requires between block and removal. One call maps a
 * whole report range: it stands for the per-page (or huge-page) calls KVM makes.
 */
@injectable()
export class SeptCalls {
  constructor(@inject(TdxFirmware) private readonly fw: TdxFirmware) {}

  leafAt(vm: VmId, gpa: bigint): SeptMmioLeaf | undefined {
    return this.fw.td(vm)?.mmio[hex(gpa)];
  }

  /** TDH.MMIO.MAP(gpa, tdr, mmio_pa): the S-EPT leaf becomes MMIO_PENDING. */
  mmioMap(vm: VmId, range: TeeMmioRange): FwResult {
    return this.fw.call('TDH.MMIO.MAP', { td: vm, gpa: range.gpa, hpa: range.hpa, pages: range.pages }, () => {
      const td = this.fw.td(vm);
      if (!td) return fail(TDX.OPERAND_INVALID, `${vm} has no TD`);
      if (range.gpa < FOUR_GIB) return fail(TDX.OPERAND_INVALID, `GPA ${hex(range.gpa)} is below 4 GiB`);
      if (td.mmio[hex(range.gpa)]) return fail(TDX.EPT_ENTRY_STATE_INCORRECT, `GPA ${hex(range.gpa)} is mapped already`);
      const owner = Object.values(this.fw.state.devifs).find((d) => d.mmiomt.some((e) => e.hpa === hex(range.hpa)));
      const entry = owner?.mmiomt.find((e) => e.hpa === hex(range.hpa));
      if (this.fw.enforces('mmio-map-requires-mmiomt') && (!entry || entry.mapped || entry.pages !== range.pages))
        return fail(TDX.MMIO_INVALID_PAGE_METADATA, `${hex(range.hpa)} is ${entry?.mapped ? 'mapped already' : 'not MMIO declared to a TD (TDH.MMIO.MT.SET after LOCK)'}`);
      if (owner && owner.td !== vm && this.fw.enforces('mmio-map-requires-owner'))
        return fail(TDX.MMIO_DEVIF_OWNER_MISMATCH, `${hex(range.hpa)} belongs to ${owner.tdi}, owned by ${owner.td}, not ${vm}`);
      if (owner && this.fw.stream(owner.streamHandle)?.blocked && this.fw.enforces('mmio-map-requires-unblocked-stream'))
        return fail(TDX.IDE_STREAM_BLOCKED, `the IDE stream of ${owner.tdi} is blocked`);
      const tdi: Bdf = owner?.tdi ?? 'unowned';
      td.mmio[hex(range.gpa)] = { gpa: hex(range.gpa), hpa: hex(range.hpa), pages: range.pages, tdi, rangeIndex: range.rangeIndex, rangeId: range.rangeId, state: 'MMIO_PENDING' };
      if (entry) entry.mapped = true;
      return OK;
    });
  }

  /** TDH.MMIO.BLOCK: the leaf stops translating; it must be tracked before it can go. */
  mmioBlock(vm: VmId, gpa: bigint): FwResult {
    return this.fw.call('TDH.MMIO.BLOCK', { td: vm, gpa }, () => {
      const td = this.fw.td(vm);
      const leaf = td?.mmio[hex(gpa)];
      if (!td || !leaf) return fail(TDX.EPT_ENTRY_STATE_INCORRECT, `no MMIO leaf at ${hex(gpa)} in ${vm}`);
      if (leaf.state === 'MMIO_BLOCKED') return fail(TDX.EPT_ENTRY_STATE_INCORRECT, `the leaf at ${hex(gpa)} is blocked already`);
      leaf.state = 'MMIO_BLOCKED';
      leaf.blockEpoch = td.epoch;
      return OK;
    });
  }

  /** TDH.MEM.TRACK: advances the TD's TLB epoch (KVM then kicks the vCPUs). */
  memTrack(vm: VmId): FwResult {
    return this.fw.call('TDH.MEM.TRACK', { td: vm }, () => {
      const td = this.fw.td(vm);
      if (!td) return fail(TDX.OPERAND_INVALID, `${vm} has no TD`);
      td.epoch++;
      return OK;
    });
  }

  /** Whether the leaf at `gpa` is blocked and the TD's TLBs tracked since. */
  tracked(vm: VmId, gpa: bigint): boolean {
    const td = this.fw.td(vm);
    const leaf = td?.mmio[hex(gpa)];
    return leaf?.state === 'MMIO_BLOCKED' && leaf.blockEpoch !== undefined && td !== undefined && td.epoch > leaf.blockEpoch;
  }

  /**
   * TDH.MMIO.UNMAP: removes a blocked, tracked leaf — only when the TDI is CONFIG_UNLOCKED
   * through a STOP the module issued, or its IDE stream is blocked ([MOD] tdh_mmio_unmap.c,
   * in its order: entry state, blocked, tracked, then TDISP state).
   */
  mmioUnmap(vm: VmId, gpa: bigint): FwResult {
    return this.fw.call('TDH.MMIO.UNMAP', { td: vm, gpa }, () => {
      const td = this.fw.td(vm);
      const leaf = td?.mmio[hex(gpa)];
      if (!td || !leaf) return fail(TDX.EPT_ENTRY_STATE_INCORRECT, `no MMIO leaf at ${hex(gpa)} in ${vm}`);
      if (this.fw.enforces('mmio-unmap-requires-block-and-track')) {
        if (leaf.state !== 'MMIO_BLOCKED') return fail(TDX.GPA_RANGE_NOT_BLOCKED, `the leaf at ${hex(gpa)} is ${leaf.state}`);
        if (!this.tracked(vm, gpa)) return fail(TDX.TLB_TRACKING_NOT_DONE, `no TDH.MEM.TRACK since ${hex(gpa)} was blocked`);
      }
      const d = this.fw.devif(leaf.tdi);
      const streamBlocked = d !== undefined && this.fw.stream(d.streamHandle)?.blocked === true;
      if (d && d.tdispSts !== 'CONFIG_UNLOCKED' && !streamBlocked && this.fw.enforces('mmio-unmap-requires-stop'))
        return fail(TDX.DEVIF_TDISP_INVALID_STATE, `${d.tdi} is ${d.tdispSts}: STOP it through the module (or block its IDE stream) first`);
      delete td.mmio[hex(gpa)];
      const entry = d?.mmiomt.find((e) => e.hpa === leaf.hpa);
      if (entry) entry.mapped = false;
      return OK;
    });
  }

  /**
   * TDG.MMIO.ACCEPT(gpa, report range index, func_id, offset | count) ([G26]): MMIO_PENDING →
   * MMIO_MAPPED, if the leaf's HPA is the report range's, as the guest read it from the report
   * it verified.
   */
  tdgMmioAccept(vm: VmId, tdi: Bdf, range: TeeMmioRange): FwResult {
    return this.fw.call('TDG.MMIO.ACCEPT', { gpa: range.gpa, rangeIndex: range.rangeIndex, funcId: tdi, offset: 0, count: range.pages }, () => {
      const leaf = this.leafAt(vm, range.gpa);
      // The module exits to the VMM with an EPT violation here; teeio reports the entry state.
      if (!leaf || leaf.state === 'MMIO_BLOCKED') return fail(TDX.EPT_ENTRY_STATE_INCORRECT, `no pending MMIO leaf at ${hex(range.gpa)} (EPT violation)`);
      if (leaf.state === 'MMIO_MAPPED') return fail(TDX.PAGE_ALREADY_ACCEPTED, `${hex(range.gpa)} is accepted already`);
      if (leaf.tdi !== tdi || leaf.pages !== range.pages) return fail(TDX.OPERAND_INVALID, `the leaf at ${hex(range.gpa)} is not range ${range.rangeIndex} of ${tdi}`);
      if (this.fw.enforces('mmio-accept-checks-hpa')) {
        const d = this.fw.devif(tdi);
        const reported = d?.reportComplete ? teeRangesOf(d.report).find((r) => r.rangeIndex === range.rangeIndex) : undefined;
        if (!reported || hex(reported.hpa) !== leaf.hpa || range.hpa !== reported.hpa)
          return fail(TDX.MMIO_INVALID_HPA_OFFSET, `the leaf at ${hex(range.gpa)} maps ${leaf.hpa}, report range ${range.rangeIndex} is at ${reported ? hex(reported.hpa) : 'nothing'}`);
      }
      leaf.state = 'MMIO_MAPPED';
      return OK;
    });
  }

  /** TDG.VP.VMCALL<MapGPA>(shared): the guest gives the range up as private MMIO (TDX has no MMIO un-accept). */
  tdgMapGpaShared(vm: VmId, range: TeeMmioRange): FwResult {
    return this.fw.call('TDG.VP.VMCALL<MapGPA>', { gpa: range.gpa, pages: range.pages, shared: true }, () => {
      const leaf = this.leafAt(vm, range.gpa);
      if (leaf) leaf.releasedByGuest = true;
      return OK;
    });
  }
}
