import { type Bdf, type FwResult, OK, type VmId, fail, pagesEnd } from '@teeio/core';
import { RMPUPDATE_FAIL_INUSE } from '../codes.js';
import { PAGE, type RmpExtent, type SevTioFirmware } from './state.js';

/**
 * The RMP for MMIO as extents of consecutive 4 KiB pages with the same attributes (an RMP entry
 * per page is what the hardware has; a 256 MiB BAR would be 65536 of them). A page in no extent
 * is hypervisor-owned. Extents are split where an operation covers part of one.
 */

export const extentStart = (e: RmpExtent): bigint => BigInt(`0x${e.hpa}`);
export const extentEnd = (e: RmpExtent): bigint => pagesEnd(extentStart(e), e.pages);

/** The RMP entry of the page at `hpa`, as the hardware would hold it. */
export function rmpEntryAt(rmp: readonly RmpExtent[], hpa: bigint): (RmpExtent & { readonly pageGpa: bigint }) | undefined {
  const page = hpa & ~(PAGE - 1n);
  const e = rmp.find((x) => page >= extentStart(x) && page < extentEnd(x));
  return e && { ...e, pageGpa: BigInt(`0x${e.gpa}`) + (page - extentStart(e)) };
}

export function overlaps(rmp: readonly RmpExtent[], hpa: bigint, pages: number): RmpExtent | undefined {
  const end = pagesEnd(hpa, pages);
  return rmp.find((x) => extentStart(x) < end && hpa < extentEnd(x));
}

/** `e` restricted to [from, to), or undefined when they do not meet. */
function slice(e: RmpExtent, from: bigint, to: bigint): RmpExtent | undefined {
  const a = extentStart(e) > from ? extentStart(e) : from;
  const b = extentEnd(e) < to ? extentEnd(e) : to;
  if (a >= b) return undefined;
  return { ...e, hpa: a.toString(16), gpa: (BigInt(`0x${e.gpa}`) + (a - extentStart(e))).toString(16), pages: Number((b - a) / PAGE) };
}

/**
 * The RMP with the pages [hpa, hpa + pages) replaced by `f` of their extents (undefined drops
 * them: hypervisor-owned again). Pages outside are untouched.
 */
export function rmpUpdatePages(rmp: readonly RmpExtent[], hpa: bigint, pages: number, f: (e: RmpExtent) => RmpExtent | undefined): RmpExtent[] {
  const end = pagesEnd(hpa, pages);
  return rmp.flatMap((e) => {
    if (extentEnd(e) <= hpa || extentStart(e) >= end) return [e];
    const before = slice(e, extentStart(e), hpa);
    const inside = slice(e, hpa, end);
    const after = slice(e, end, extentEnd(e));
    const changed = inside && f(inside);
    return [before, changed, after].filter((x): x is RmpExtent => x !== undefined);
  });
}

/** What rmp_make_private_mmio assigns: pages of a TDI's range to the guest's ASID at its GPAs, and KVM's bookkeeping. */
export interface RmpAssignment {
  readonly vm: VmId;
  readonly tdi: Bdf;
  readonly asid: number;
  readonly ideStreamId: number;
  readonly rangeIndex: number;
  readonly rangeId: number;
  readonly hpa: bigint;
  readonly gpa: bigint;
  readonly pages: number;
  readonly immutable: boolean;
}

/** RMPUPDATE assigning `e`'s pages, not validated; FAIL_INUSE for pages assigned already. */
export function rmpMakePrivate(fw: SevTioFirmware, e: RmpAssignment): FwResult {
  const busy = overlaps(fw.state.rmp, e.hpa, e.pages);
  if (busy && fw.enforces('rmp-update-requires-unassigned')) return fail(RMPUPDATE_FAIL_INUSE, `pages from 0x${busy.hpa} are assigned to ASID ${busy.asid} already`);
  const { vm, tdi, asid, ideStreamId, rangeIndex, rangeId, pages, immutable } = e;
  fw.state.rmp.push({ hpa: e.hpa.toString(16), pages, gpa: e.gpa.toString(16), asid, validated: false, immutable, ideStreamId, vm, tdi, rangeIndex, rangeId });
  return OK;
}

/** RMPUPDATE giving the pages back to the hypervisor. */
export function rmpMakeShared(fw: SevTioFirmware, hpa: bigint, pages: number): FwResult {
  fw.state.rmp = rmpUpdatePages(fw.state.rmp, hpa, pages, () => undefined);
  return OK;
}
