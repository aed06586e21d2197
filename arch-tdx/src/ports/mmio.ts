import {
  type Bdf,
  type FwResult,
  type GuestAccessOutcome,
  type HostAccessOutcome,
  type MmioPort,
  OK,
  type PrivateMapping,
  type TeeMmioRange,
  type VmId,
  withinPages,
} from '@teeio/core';
import { inject, injectable } from 'tsyringe';
import { kvmBugOn, retryBusy } from '../host/driver.js';
import { TdxFirmware } from '../firmware/firmware.js';
import { SeptCalls } from '../firmware/sept.js';

/**
 * Private MMIO as KVM drives it for a TD ([MMIO-RFC] 12/12): TDH.MMIO.MAP when it sets the
 * S-EPT entry, TDH.MMIO.BLOCK + TDH.MEM.TRACK when it zaps, TDH.MMIO.UNMAP when it drops. Any
 * error of these is a KVM_BUG_ON (fatal: the VM is killed), except TDX_OPERAND_BUSY, which KVM
 * retries (once here).
 */
@injectable()
export class TdxMmio implements MmioPort {
  constructor(
    @inject(TdxFirmware) private readonly fw: TdxFirmware,
    @inject(SeptCalls) private readonly sept: SeptCalls,
  ) {}

  mapPrivate(vm: VmId, _tdi: Bdf, range: TeeMmioRange): FwResult {
    return kvmBugOn(retryBusy(() => this.sept.mmioMap(vm, range)));
  }

  /** Zap then drop: block, track, unmap; a step already done (a retried unmap) is skipped. */
  unmapPrivate(vm: VmId, _tdi: Bdf, range: TeeMmioRange): FwResult {
    const leaf = this.sept.leafAt(vm, range.gpa);
    if (!leaf) return OK;
    if (leaf.state !== 'MMIO_BLOCKED') {
      const r = kvmBugOn(retryBusy(() => this.sept.mmioBlock(vm, range.gpa)));
      if (!r.ok) return r;
    }
    if (!this.sept.tracked(vm, range.gpa)) {
      const r = kvmBugOn(retryBusy(() => this.sept.memTrack(vm)));
      if (!r.ok) return r;
    }
    return kvmBugOn(retryBusy(() => this.sept.mmioUnmap(vm, range.gpa)));
  }

  guestAccept(vm: VmId, tdi: Bdf, range: TeeMmioRange): FwResult {
    return this.sept.tdgMmioAccept(vm, tdi, range);
  }

  guestRelease(vm: VmId, _tdi: Bdf, range: TeeMmioRange): FwResult {
    return this.sept.tdgMapGpaShared(vm, range);
  }

  /** Whether `hpa` is MMIO the module has declared owned by a TD (MMIOMT). */
  private tdOwned(hpa: bigint): boolean {
    return Object.values(this.fw.state.devifs).some((d) => d.mmiomt.some((e) => withinPages(hpa, BigInt(e.hpa), e.pages)));
  }

  /**
   * TDX has no hardware fence for a hypervisor mapping of a locked TDI's MMIO: "Once you do
   * bind you MUST have no hypervisor mapping or x86 will explode" (Jason). With the mapping
   * gone (VFIO revoked it before bind) nothing reaches; with it, the access reaches the device
   * and, on TD-owned MMIO, is fatal.
   */
  hostAccessOutcome(hpa: bigint, hostMapped: boolean): HostAccessOutcome {
    if (!hostMapped) return { reaches: false, effect: 'no hypervisor mapping: VFIO revoked the BARs before bind' };
    return this.tdOwned(hpa)
      ? { reaches: true, effect: 'the hypervisor mapping reaches TD-owned MMIO of a locked TDI: machine check', fatal: true }
      : { reaches: true, effect: 'the hypervisor mapping reaches the MMIO of a locked TDI' };
  }

  hostAccess(hpa: bigint, hostMapped: boolean): HostAccessOutcome {
    return this.hostAccessOutcome(hpa, hostMapped);
  }

  guestAccess(vm: VmId, gpa: bigint): GuestAccessOutcome {
    const leaf = Object.values(this.fw.td(vm)?.mmio ?? {}).find((l) => withinPages(gpa, BigInt(l.gpa), l.pages));
    if (!leaf) return { reaches: false, effect: 'no S-EPT mapping: EPT violation' };
    if (leaf.releasedByGuest) return { reaches: false, effect: 'the guest converted the GPA to shared' };
    if (leaf.state === 'MMIO_MAPPED') return { reaches: true, effect: `private MMIO of ${leaf.tdi}` };
    return { reaches: false, effect: leaf.state === 'MMIO_PENDING' ? 'MMIO_PENDING: #VE until TDG.MMIO.ACCEPT' : 'MMIO_BLOCKED: EPT violation' };
  }

  /** Invariants read this after every step, on platforms of thousands of TDs that mostly map nothing: one pass, no per-TD arrays. */
  view(): readonly PrivateMapping[] {
    const out: PrivateMapping[] = [];
    const tds = this.fw.state.tds;
    for (const vm in tds) {
      const td = tds[vm];
      for (const gpa in td?.mmio) {
        const l = td?.mmio[gpa];
        if (td && l) out.push({ vm: td.vm, tdi: l.tdi, rangeIndex: l.rangeIndex, rangeId: l.rangeId, gpa: BigInt(l.gpa), hpa: BigInt(l.hpa), pages: l.pages, guestUsable: l.state === 'MMIO_MAPPED' && !l.releasedByGuest });
      }
    }
    return out;
  }
}
