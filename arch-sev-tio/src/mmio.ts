import {
  type Bdf,
  DEVICE_LINK,
  type DeviceLink,
  type FwResult,
  type GuestAccessOutcome,
  type HostAccessOutcome,
  MmioRangeAttribute,
  type MmioPort,
  OK,
  type PrivateMapping,
  TRACER,
  type TeeMmioRange,
  type Tracer,
  type VmId,
  decodeDeviceInterfaceReport,
  fail,
  fromHex,
  rangeBase,
  withinPages,
} from '@teeio/core';
import { inject, injectable } from 'tsyringe';
import { Errno, SevTioHost } from './ccp.js';
import { Psp } from './psp.js';
import { extentStart, rmpEntryAt } from './rmp.js';
import { PAGE, SevTioFirmware, fenceKey } from './state.js';

/**
 * Private MMIO on SEV-TIO: the hypervisor's own mappings stay ("KVM: X86: Handle private MMIO as
 * shared" keeps the NPT mapping and the shared memslot) and the RMP does the enforcing: a page
 * is usable by the guest when its RMP entry is assigned to the guest's ASID with the TDI's IDE
 * stream, at the GPA the guest expects, and validated by the guest (MMIO_VALIDATE) [REF §2].
 *
 * What counts as "a fault from a bound TDI" (spec §2.11 as quoted [REF §3]: "a host page-table or
 * RMP fault from a bound TDI makes the root complex fence the ASID") — teeio's reading: an RMP
 * violation on the MMIO traffic of a TDI that is bound, i.e. the guest's T=1 access to a page of
 * the TDI it validated whose RMP entry no longer matches because the host revoked it (Alexey:
 * the host may revoke at any time, "at worst the IOMMU reports RMP events"). The root complex
 * then fences the ASID for the device: MMIO writes are dropped and reads return all ones, and the
 * ASID's T=1 DMA is dropped too, until the host's TIO_ASID_FENCE_CLEAR at unbind. A hypervisor
 * CPU access is not such a fault: its RMP #PF never leaves the CPU.
 */
@injectable()
export class SevTioMmio implements MmioPort {
  constructor(
    @inject(Psp) private readonly psp: Psp,
    @inject(SevTioHost) private readonly host: SevTioHost,
    @inject(SevTioFirmware) private readonly fw: SevTioFirmware,
    @inject(DEVICE_LINK) private readonly link: DeviceLink,
    @inject(TRACER) private readonly tracer: Tracer,
  ) {}

  private get s() {
    return this.fw.state;
  }

  /** KVM_SEV_SNP_MMIO_RMP_UPDATE after bind: the range's pages assigned to the guest, immutable. */
  mapPrivate(vm: VmId, tdi: Bdf, range: TeeMmioRange): FwResult {
    return this.rmpUpdate(vm, tdi, range, { immutable: true });
  }

  /**
   * The RMP update itself, for a KVM that may get it wrong: `immutable: false` is what RFC v1's
   * rmp_make_private_mmio(pfn, gpa, 4K, asid, immutable=false) did.
   */
  rmpUpdate(vm: VmId, tdi: Bdf, range: TeeMmioRange, o: { immutable: boolean }): FwResult {
    const g = this.fw.guestOf(vm);
    if (!g) return fail(Errno.EINVAL, `${vm} has no SNP guest context`);
    const dsm = this.link.dsmOf(tdi);
    const ideStreamId = this.s.devices[dsm]?.ideStreamIds[0] ?? this.s.host.devices[dsm]?.streamId ?? 0;
    return this.psp.rmpMakePrivate({ vm, tdi, asid: g.asid, ideStreamId, rangeIndex: range.rangeIndex, rangeId: range.rangeId, hpa: range.hpa, gpa: range.gpa, pages: range.pages, immutable: o.immutable });
  }

  /**
   * rmp_make_shared on the range. Allowed at any time on SEV, unlike TDX where unmapping a
   * locked TDI's MMIO is fatal; revoking a bound TDI's validated MMIO is recorded with what it
   * leads to.
   */
  unmapPrivate(_vm: VmId, tdi: Bdf, range: TeeMmioRange): FwResult {
    const extents = this.s.rmp.filter((e) => e.tdi === tdi && e.rangeIndex === range.rangeIndex);
    if (extents.length === 0) return OK;
    const t = this.s.tdis[tdi];
    const bound = t !== undefined && t.status !== 'UNBOUND';
    const validated = extents.some((e) => e.validated);
    let r: FwResult = OK;
    for (const e of extents) {
      r = this.psp.rmpMakeShared(extentStart(e), e.pages, bound ? `revoked while ${tdi} is ${t.status}` : 'rmp_make_shared');
      if (!r.ok) return r;
    }
    if (r.ok && bound)
      this.tracer.record({
        actor: 'kvm',
        op: 'revoked the validated MMIO of a bound TDI',
        args: { tdi, range: String(range.rangeIndex), state: t.status, validated: String(validated) },
        result: `accepted; the guest's next access faults (RMP) and fences ASID ${t.asid ?? '?'}; the fenced ASID's MMIO writes and DMA are dropped`,
      });
    return r;
  }

  /** The offset of `range` in the report range of its range id (the guest knows it from the verified report). */
  private rangeOffset(tdi: Bdf, range: TeeMmioRange): bigint {
    const report = this.s.tdis[tdi]?.report;
    if (!report) return 0n;
    const bases = decodeDeviceInterfaceReport(fromHex(report))
      .message.mmioRanges.filter((r) => r.rangeId === range.rangeId)
      .map(rangeBase);
    const base = bases.reduce((m, b) => (b < m ? b : m), bases[0] ?? range.hpa);
    return range.hpa - base;
  }

  private validate(vm: VmId, tdi: Bdf, range: TeeMmioRange, validated: boolean): FwResult {
    const r = this.host.route(vm, tdi);
    if (!r) return fail(Errno.ENODEV, `${tdi} is not assigned to ${vm}`);
    const res = this.psp.mmioValidate(r.dsm, tdi, r.gctx, { gpa: range.gpa, pages: range.pages, rangeId: range.rangeId, rangeOffset: this.rangeOffset(tdi, range), validated });
    return res.ok ? OK : res;
  }

  /** TIO_MSG_MMIO_VALIDATE_REQ with validated=1 ("AMD's 'pvalidate' for MMIO"). */
  guestAccept(vm: VmId, tdi: Bdf, range: TeeMmioRange): FwResult {
    return this.validate(vm, tdi, range, true);
  }

  /** TIO_MSG_MMIO_VALIDATE_REQ with validated=0 (the guest's unlock). */
  guestRelease(vm: VmId, tdi: Bdf, range: TeeMmioRange): FwResult {
    return this.validate(vm, tdi, range, false);
  }

  /** TIO_MSG_MMIO_CONFIG_REQ: read, or write on an updatable range, IS_NON_TEE_MEM. */
  mmioConfig(vm: VmId, tdi: Bdf, rangeId: number, write?: boolean): FwResult<{ nonTee: boolean }> {
    return this.host.mmioConfig(vm, tdi, rangeId, write);
  }

  /** A TDI the device holds locked (CONFIG_LOCKED or RUN) with a TEE range at `hpa`. */
  private lockedTdiAt(hpa: bigint): Bdf | undefined {
    return this.link.functions.find((b) => {
      if (!this.link.isTdi(b)) return false;
      const fixed = this.link.lockedInterface(b);
      return fixed?.report.mmioRanges.some((r) => {
        if ((r.rangeAttributes & MmioRangeAttribute.IS_NON_TEE_MEM) !== 0) return false;
        const base = rangeBase(r) - fixed.mmioReportingOffset;
        return withinPages(hpa, base, r.numberOfPages);
      });
    });
  }

  /**
   * A hypervisor access: with the page assigned in the RMP, an RMP fault in the CPU — "an RMP
   * fault and no device disturbance, no TDISP ERROR" [REF §2]. Without an RMP entry (before the
   * RMP update, or after a revoke) a T=0 request reaches a locked TDI, which refuses it and goes
   * to ERROR: the TDISP ERROR the RMP spares the device [TEEIO: inferred from that contrast].
   */
  hostAccessOutcome(hpa: bigint, hostMapped: boolean): HostAccessOutcome {
    if (!hostMapped) return { reaches: false, effect: 'no hypervisor mapping' };
    const e = rmpEntryAt(this.s.rmp, hpa);
    if (e) return { reaches: false, effect: `RMP fault: the page is assigned to ASID ${e.asid} (${e.tdi}); the #PF stops the access in the CPU: no device disturbance, no TDISP ERROR` };
    const locked = this.lockedTdiAt(hpa);
    if (locked) return { reaches: false, effect: `no RMP entry: the T=0 request reaches ${locked} (${this.link.tdiState(locked)}), which refuses it and goes to ERROR` };
    return { reaches: true, effect: 'reaches the device through the hypervisor mapping' };
  }

  hostAccess(hpa: bigint, hostMapped: boolean, _write: boolean): HostAccessOutcome {
    const o = this.hostAccessOutcome(hpa, hostMapped);
    const locked = hostMapped && !rmpEntryAt(this.s.rmp, hpa) ? this.lockedTdiAt(hpa) : undefined;
    if (locked) this.link.event(locked, (requesterId) => ({ kind: 'DEVICE_ERROR', requesterId }));
    return o;
  }

  /** A guest access at a GPA it validated: reaches the TDI, or is fenced, or faults and fences the ASID. */
  guestAccess(vm: VmId, gpa: bigint, write: boolean): GuestAccessOutcome {
    const g = this.fw.guestOf(vm);
    if (!g) return { reaches: false, effect: `${vm} has no guest context` };
    const hit = Object.entries(this.s.tdis)
      .filter(([, t]) => t.vm === vm)
      .flatMap(([tdi, t]) => t.validated.map((v) => ({ tdi, t, v, gpa0: BigInt(`0x${v.gpa}`) })))
      .find((x) => withinPages(gpa, x.gpa0, x.v.pages));
    if (!hit) return { reaches: false, effect: 'no validated private MMIO at this GPA (#VC)' };
    const { tdi, t } = hit;
    if (this.fw.fenced(t.dsm, g.asid)) return { reaches: false, effect: write ? `write dropped: ASID ${g.asid} is fenced` : `reads all ones: ASID ${g.asid} is fenced` };
    const hpa = BigInt(`0x${hit.v.hpa}`) + (gpa - hit.gpa0);
    const e = rmpEntryAt(this.s.rmp, hpa);
    if (!e || e.asid !== g.asid || !e.validated || e.pageGpa !== (gpa & ~(PAGE - 1n))) {
      if (t.status === 'UNBOUND' || !this.fw.enforces('rmp-violation-fences-asid')) return { reaches: false, effect: `RMP fault at HPA 0x${hpa.toString(16)} (${tdi} is ${t.status === 'UNBOUND' ? 'unbound' : t.status})` };
      const cause = `RMP violation on ${tdi}'s MMIO at HPA 0x${hpa.toString(16)} (revoked by the host)`;
      this.s.fences[fenceKey(t.dsm, g.asid)] = { dsm: t.dsm, asid: g.asid, cause };
      this.tracer.record({ actor: 'firmware', op: 'root complex: ASID fence', args: { dsm: t.dsm, asid: String(g.asid) }, result: `fenced: ${cause}` });
      return { reaches: false, effect: `${cause}: ASID ${g.asid} fenced` };
    }
    const state = this.link.tdiState(tdi);
    if (state !== 'RUN') return { reaches: false, effect: `${tdi} is ${state}: the T=1 request is rejected` };
    return { reaches: true, effect: `private MMIO of ${tdi}` };
  }

  /** The RMP's assigned MMIO pages, one mapping per report range; usable once all are validated. */
  view(): readonly PrivateMapping[] {
    const groups = new Map<string, PrivateMapping>();
    for (const e of this.s.rmp) {
      const key = `${e.vm}|${e.tdi}|${e.rangeIndex}`;
      const hpa = extentStart(e);
      const gpa = BigInt(`0x${e.gpa}`);
      const m = groups.get(key);
      if (!m) groups.set(key, { vm: e.vm, tdi: e.tdi, rangeIndex: e.rangeIndex, rangeId: e.rangeId, gpa, hpa, pages: e.pages, guestUsable: e.validated });
      else groups.set(key, { ...m, gpa: gpa < m.gpa ? gpa : m.gpa, hpa: hpa < m.hpa ? hpa : m.hpa, pages: m.pages + e.pages, guestUsable: m.guestUsable && e.validated });
    }
    return [...groups.values()];
  }
}
