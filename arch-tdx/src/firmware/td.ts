import { type FwResult, OK, type VmId, fail } from '@teeio/core';
import { inject, injectable } from 'tsyringe';
import { TDX } from '../codes.js';
import { TdxFirmware } from './firmware.js';

/**
 * TD creation and teardown: only what TDX Connect touches. A DEVIF is a child of its TD's TDR
 * ([MOD] tdh_devif_create.c adds it to the TDR's child count; tdh_devif_remove.c takes it away),
 * so the TDR cannot be reclaimed while one exists: "VM could only be destroyed after all
 * assigned CC vPCI devices are destroyed" (Yilun).
 */
@injectable()
export class TdCalls {
  constructor(@inject(TdxFirmware) private readonly fw: TdxFirmware) {}

  /** TDH.MNG.CREATE (with its key configuration and TDH.MNG.INIT folded in): the TDR, an HKID. */
  mngCreate(vm: VmId): FwResult {
    return this.fw.call('TDH.MNG.CREATE', { td: vm }, () => {
      const s = this.fw.state;
      if (s.tds[vm]) return fail(TDX.OPERAND_INVALID, `${vm} already has a TD`);
      // TDR pages from a range of teeio's platform memory.
      const tdr = `0x${(s.next.tdr++ * 0x1000).toString(16)}`;
      s.tds[vm] = { vm, tdr, hkid: s.next.hkid++, keyFreed: false, epoch: 0, mmio: {} };
      return OK;
    });
  }

  /** TDH.MNG.KEY.FREEID (after TDH.MNG.VPFLUSHDONE): the TD's HKID goes back to the pool. */
  keyFreeId(vm: VmId): FwResult {
    return this.fw.call('TDH.MNG.KEY.FREEID', { td: vm }, () => {
      const td = this.fw.td(vm);
      if (!td) return fail(TDX.OPERAND_INVALID, `${vm} has no TD`);
      if (td.keyFreed) return fail(TDX.LIFECYCLE_STATE_INCORRECT, `the HKID of ${vm} is free already`);
      td.keyFreed = true;
      return OK;
    });
  }

  /** TDH.PHYMEM.PAGE.RECLAIM of the TDR: the TD is gone, if it has no children left. */
  reclaimTdr(vm: VmId): FwResult {
    const td = this.fw.td(vm);
    return this.fw.call('TDH.PHYMEM.PAGE.RECLAIM', { page: td?.tdr ?? 'none', td: vm }, () => {
      if (!td) return fail(TDX.OPERAND_INVALID, `${vm} has no TD`);
      if (!td.keyFreed) return fail(TDX.LIFECYCLE_STATE_INCORRECT, `the HKID of ${vm} is still assigned`);
      const devifs = Object.values(this.fw.state.devifs).filter((d) => d.td === vm);
      if (devifs.length > 0 && this.fw.enforces('td-reclaim-requires-no-devif'))
        return fail(TDX.TD_ASSOCIATED_PAGES_EXIST, `DEVIF ${devifs.map((d) => d.tdi).join(', ')} still belongs to ${vm}`);
      delete this.fw.state.tds[vm];
      return OK;
    });
  }
}
