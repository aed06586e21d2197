import { type Bdf, type FwResult, OK, type VmId } from '@teeio/core';
import { inject, injectable } from 'tsyringe';
import { CCA } from '../codes.js';
import { RmmFirmware } from './rmm.js';
import type { RealmState, RttDevEntry } from './state.js';
import { inRanges } from './vdev.js';

const { fail } = RmmFirmware;
export const GRANULE = 0x1000n;
/** Device memory is mapped at level 3 (4 KiB): RMI_ERROR_RTT carries the level its walk stopped at in x0[15:8]. */
const RTT_LEVEL = 3;
const hex = (v: bigint): string => `0x${v.toString(16)}`;

/** The granules of [base, base + pages), as IPA and PA pairs. */
function granules(ipa: bigint, pa: bigint, pages: number): { ipa: string; pa: string }[] {
  return Array.from({ length: pages }, (_, i) => ({ ipa: hex(ipa + BigInt(i) * GRANULE), pa: hex(pa + BigInt(i) * GRANULE) }));
}

/**
 * Device memory in the realm's RTT at 2.0 (arm-cca.md §3, §5): granule delegation, then
 * RMI_RTT_DEV_MAP (alp12's RMI_DEV_MEM_MAP, alp17's RMI_VDEV_MAP), RMI_RTT_DEV_VALIDATE
 * (alp12's RMI_RTT_DEV_MEM_VALIDATE, alp17's RMI_VDEV_VALIDATE_MAPPING) and RMI_RTT_DEV_UNMAP.
 * One call covers a report range (HEAD's smc_rtt_dev_map takes a range); entries are kept
 * per 4 KiB granule, level 3, as the RMM holds them after folding is undone.
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
      const gs = granules(0n, pa, pages);
      const taken = gs.find((g) => this.fw.state.granules[g.pa]);
      if (taken) return fail(CCA.ERROR_INPUT, `granule ${taken.pa} is delegated already`);
      for (const g of gs) this.fw.state.granules[g.pa] = 'DELEGATED';
      return OK;
    });
  }

  /** RMI_GRANULE_UNDELEGATE of each granule of a range: back to the non-secure PAS (inferred after unmap, §3). */
  undelegate(pa: bigint, pages: number): FwResult {
    return this.fw.call('RMI_GRANULE_UNDELEGATE', { pa, pages }, () => {
      const gs = granules(0n, pa, pages);
      const busy = gs.find((g) => this.fw.state.granules[g.pa] !== 'DELEGATED');
      if (busy) return fail(CCA.ERROR_INPUT, `granule ${busy.pa} is ${this.fw.state.granules[busy.pa] ?? 'not delegated'}`);
      for (const g of gs) delete this.fw.state.granules[g.pa];
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
      const gs = granules(ipa, pa, pages);
      for (const [index, g] of gs.entries()) {
        if (!inRanges(BigInt(g.pa), v.addrRanges) && this.fw.enforces('rtt-dev-map-within-vdev-ranges')) return fail(CCA.ERROR_INPUT, `granule ${g.pa} (#${index}) is outside the ranges of ${tdi}`);
        if (this.fw.state.granules[g.pa] !== 'DELEGATED') return fail(CCA.ERROR_INPUT, `granule ${g.pa} is ${this.fw.state.granules[g.pa] ?? 'not delegated'}`);
        if (realm.rtt[g.ipa]?.state === 'ASSIGNED_DEV') return this.rttError(`the RTT entry at ${g.ipa} is assigned`);
      }
      for (const g of gs) {
        realm.rtt[g.ipa] = { ipa: g.ipa, state: 'ASSIGNED_DEV', ripas: realm.rtt[g.ipa]?.ripas ?? 'EMPTY', pa: g.pa, tdi };
        this.fw.state.granules[g.pa] = 'MAPPED';
      }
      return OK;
    });
  }

  /** RMI_RTT_DEV_VALIDATE(rd, rec, base, top): the host's answer to RMI_EXIT_DEV_MEM_MAP; the entries' RIPAS becomes DEV. */
  validate(vm: VmId, ipa: bigint, pa: bigint, pages: number): FwResult {
    const top = ipa + BigInt(pages) * GRANULE;
    const realm = this.fw.realm(vm);
    return this.fw.call('RMI_RTT_DEV_VALIDATE', { rd: realm?.rd ?? vm, rec: `${realm?.rd ?? vm}.rec0`, base: ipa, top }, () => {
      if (!realm) return fail(CCA.ERROR_REALM, `${vm} has no realm`);
      const entries = granules(ipa, pa, pages).map((g) => ({ g, e: realm.rtt[g.ipa] }));
      // rtt_dev_validate: only assigned_dev entries whose PA matches (is_coh hard-coded false).
      const bad = entries.find(({ g, e }) => e?.state !== 'ASSIGNED_DEV' || e.pa !== g.pa);
      if (bad) return this.rttError(`the RTT entry at ${bad.g.ipa} does not map ${bad.g.pa}`);
      for (const { e } of entries) if (e) e.ripas = 'DEV';
      return OK;
    });
  }

  /** RMI_RTT_DEV_UNMAP(rd, base, top): the entries go back to UNASSIGNED with RIPAS DESTROYED, the granules to DELEGATED. */
  unmap(vm: VmId, ipa: bigint, pages: number): FwResult {
    const top = ipa + BigInt(pages) * GRANULE;
    return this.fw.call('RMI_RTT_DEV_UNMAP', { rd: this.fw.realm(vm)?.rd ?? vm, base: ipa, top }, () => {
      const realm = this.realmOf(vm);
      if ('ok' in realm) return realm;
      const entries = granules(ipa, 0n, pages).map((g) => realm.rtt[g.ipa]);
      if (entries.some((e) => e?.state !== 'ASSIGNED_DEV')) return this.rttError(`not every entry of [${hex(ipa)}, ${hex(top)}) is assigned`);
      for (const e of entries as RttDevEntry[]) {
        if (e.pa) this.fw.state.granules[e.pa] = 'DELEGATED';
        Object.assign(e, { state: 'UNASSIGNED', ripas: 'DESTROYED' });
        delete e.pa;
        delete e.tdi;
      }
      return OK;
    });
  }
}
