import { type Bdf, type FwResult, OK, type VmId } from '@teeio/core';
import { inject, injectable } from 'tsyringe';
import { CCA } from '../codes.js';
import { RmmFirmware } from './rmm.js';
import { DEV_GRANULES, RTT_DEV } from './dev-mem-runs.js';
import { GRANULE, assign, bounds, cuts, lookup, pieces, update } from './granule-runs.js';
import type { RealmState } from './state.js';
import { inRanges, rangeBounds } from './vdev.js';

const { fail } = RmmFirmware;
/** Device memory is mapped at level 3 (4 KiB): RMI_ERROR_RTT carries the level its walk stopped at in x0[15:8]. */
const RTT_LEVEL = 3;
const hex = (v: bigint): string => `0x${v.toString(16)}`;
const at = (base: bigint, k: number): bigint => base + BigInt(k) * GRANULE;

/**
 * Device memory in the realm's RTT at 2.0 (arm-cca.md §3, §5): granule delegation, then
 * RMI_RTT_DEV_MAP (alp12's RMI_DEV_MEM_MAP, alp17's RMI_VDEV_MAP), RMI_RTT_DEV_VALIDATE
 * (alp12's RMI_RTT_DEV_MEM_VALIDATE, alp17's RMI_VDEV_VALIDATE_MAPPING) and RMI_RTT_DEV_UNMAP.
 * One call covers a report range (HEAD's smc_rtt_dev_map takes a range); entries are level 3
 * (4 KiB), as the RMM holds them after folding is undone, and act per granule: the first
 * granule (lowest address) that fails a check names the error. Granules and entries are held
 * in runs (granule-runs.ts), checked once per piece where nothing changes.
 */
@injectable()
export class RttDevCalls {
  constructor(@inject(RmmFirmware) private readonly fw: RmmFirmware) {}

  private realmOf(vm: VmId): RealmState | FwResult<never> {
    const r = this.fw.realm(vm);
    return r ?? fail(CCA.ERROR_REALM, `${vm} has no realm`);
  }

  private rttError(detail: string): FwResult<never> {
    this.fw.ret({ index: RTT_LEVEL });
    return fail(CCA.ERROR_RTT, detail);
  }

  /** RMI_GRANULE_DELEGATE of each granule of a range (one call here stands for the per-granule calls). */
  delegate(pa: bigint, pages: number): FwResult {
    return this.fw.call('RMI_GRANULE_DELEGATE', { pa, pages }, () => {
      const taken = pieces(this.fw.state.granules, DEV_GRANULES, pa, pages).find((p) => p.value);
      if (taken) return fail(CCA.ERROR_INPUT, `granule ${hex(taken.base)} is delegated already`);
      assign(this.fw.state.granules, DEV_GRANULES, pa, pages, { state: 'DELEGATED' });
      return OK;
    });
  }

  /** RMI_GRANULE_UNDELEGATE of each granule of a range: back to the non-secure PAS (inferred after unmap, §3). */
  undelegate(pa: bigint, pages: number): FwResult {
    return this.fw.call('RMI_GRANULE_UNDELEGATE', { pa, pages }, () => {
      const busy = pieces(this.fw.state.granules, DEV_GRANULES, pa, pages).find((p) => p.value?.state !== 'DELEGATED');
      if (busy) return fail(CCA.ERROR_INPUT, `granule ${hex(busy.base)} is ${busy.value?.state ?? 'not delegated'}`);
      assign(this.fw.state.granules, DEV_GRANULES, pa, pages, undefined);
      return OK;
    });
  }

  /**
   * RMI_RTT_DEV_MAP(rd, vdev, base, top, pa): each entry must be unassigned, each granule
   * delegated and inside the VDEV's ranges (block_in_vdev_range, RMI_ERROR_INPUT; the VDEV's
   * state is not checked). The entries become ASSIGNED_DEV, RIPAS unchanged.
   */
  map(vm: VmId, tdi: Bdf, ipa: bigint, pa: bigint, pages: number): FwResult {
    const top = ipa + BigInt(pages) * GRANULE;
    return this.fw.call('RMI_RTT_DEV_MAP', { rd: this.fw.realm(vm)?.rd ?? vm, vdev: tdi, base: ipa, top, pa }, () => {
      const realm = this.realmOf(vm);
      if ('ok' in realm) return realm;
      const v = this.fw.vdev(tdi);
      if (!v || v.realm !== vm) return fail(CCA.ERROR_INPUT, `${tdi} is not a VDEV of ${vm}`);
      const { granules } = this.fw.state;
      // Each check is constant between these offsets: checking there is checking every granule.
      const offsets = [...new Set([...cuts(pa, pages, [...bounds(granules), ...rangeBounds(v.addrRanges)]), ...cuts(ipa, pages, bounds(realm.rtt))])].sort((a, b) => a - b);
      for (const index of offsets) {
        const g = { ipa: at(ipa, index), pa: at(pa, index) };
        if (!inRanges(g.pa, v.addrRanges) && this.fw.enforces('rtt-dev-map-within-vdev-ranges')) return fail(CCA.ERROR_INPUT, `granule ${hex(g.pa)} (#${index}) is outside the ranges of ${tdi}`);
        const granule = lookup(granules, DEV_GRANULES, g.pa)?.state;
        if (granule !== 'DELEGATED') return fail(CCA.ERROR_INPUT, `granule ${hex(g.pa)} is ${granule ?? 'not delegated'}`);
        if (lookup(realm.rtt, RTT_DEV, g.ipa)?.state === 'ASSIGNED_DEV') return this.rttError(`the RTT entry at ${hex(g.ipa)} is assigned`);
      }
      // The RIPAS of each entry is kept (EMPTY where there was none).
      for (const p of pieces(realm.rtt, RTT_DEV, ipa, pages)) assign(realm.rtt, RTT_DEV, p.base, p.pages, { state: 'ASSIGNED_DEV', ripas: p.value?.ripas ?? 'EMPTY', pa: hex(at(pa, p.offset)), tdi });
      assign(granules, DEV_GRANULES, pa, pages, { state: 'MAPPED' });
      return OK;
    });
  }

  /** RMI_RTT_DEV_VALIDATE(rd, rec, base, top): the host's answer to RMI_EXIT_DEV_MEM_MAP; the entries' RIPAS becomes DEV. */
  validate(vm: VmId, ipa: bigint, pa: bigint, pages: number): FwResult {
    const top = ipa + BigInt(pages) * GRANULE;
    const realm = this.fw.realm(vm);
    return this.fw.call('RMI_RTT_DEV_VALIDATE', { rd: realm?.rd ?? vm, rec: `${realm?.rd ?? vm}.rec0`, base: ipa, top }, () => {
      if (!realm) return fail(CCA.ERROR_REALM, `${vm} has no realm`);
      // rtt_dev_validate: only assigned_dev entries whose PA matches (is_coh hard-coded false).
      const bad = pieces(realm.rtt, RTT_DEV, ipa, pages).find((p) => p.value?.state !== 'ASSIGNED_DEV' || p.value.pa !== hex(at(pa, p.offset)));
      if (bad) return this.rttError(`the RTT entry at ${hex(bad.base)} does not map ${hex(at(pa, bad.offset))}`);
      update(realm.rtt, RTT_DEV, ipa, pages, (e) => ({ ...e, ripas: 'DEV' as const }));
      return OK;
    });
  }

  /** RMI_RTT_DEV_UNMAP(rd, base, top): the entries go back to UNASSIGNED with RIPAS DESTROYED, the granules to DELEGATED. */
  unmap(vm: VmId, ipa: bigint, pages: number): FwResult {
    const top = ipa + BigInt(pages) * GRANULE;
    return this.fw.call('RMI_RTT_DEV_UNMAP', { rd: this.fw.realm(vm)?.rd ?? vm, base: ipa, top }, () => {
      const realm = this.realmOf(vm);
      if ('ok' in realm) return realm;
      const entries = pieces(realm.rtt, RTT_DEV, ipa, pages);
      if (entries.some((p) => p.value?.state !== 'ASSIGNED_DEV')) return this.rttError(`not every entry of [${hex(ipa)}, ${hex(top)}) is assigned`);
      for (const { value, pages: n } of entries) if (value?.pa) assign(this.fw.state.granules, DEV_GRANULES, BigInt(value.pa), n, { state: 'DELEGATED' });
      assign(realm.rtt, RTT_DEV, ipa, pages, { state: 'UNASSIGNED', ripas: 'DESTROYED' });
      return OK;
    });
  }
}
