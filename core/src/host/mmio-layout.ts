import type { TeeMmioRange } from '../ports/mmio.js';
import { MmioRangeAttribute, decodeDeviceInterfaceReport, fromHex, rangeBase } from '../wire/index.js';
import { BoundedCache } from '../util/bounded-cache.js';

/**
 * Where the VMM places a vPCI device's BARs in guest physical space: above 4 GiB (TDX requires
 * private MMIO there), one 4 GiB window per guest Requester ID, BARs at their offsets from the
 * function's lowest range. The guest reads the same placement from its vBARs.
 */
export const GUEST_MMIO_BASE = 0x100_0000_0000n;

/**
 * The TEE MMIO ranges of an interface report (non-TEE ranges are the host's), placed for the
 * guest at `guestRid`. mmio_reporting_offset is 0 in teeio's LOCKs, so report pages are host
 * physical pages.
 */
export function teeRanges(report: Uint8Array, guestRid: number): TeeMmioRange[] {
  return place(report, guestRid);
}

const placed = new BoundedCache<string, Map<number, readonly TeeMmioRange[]>>(256);
const byRidMap = (): Map<number, readonly TeeMmioRange[]> => new Map();

/**
 * teeRanges of a report held as hex (as the host and guest state keep it). Invariants ask after
 * every step; a report never changes once fetched, so each (report, RID) is decoded once. The
 * cache is bounded: a run has a handful of reports. Keyed by the state's own string, not a key
 * joined from it: V8 hashes a string once, a joined key on every lookup.
 */
export function teeRangesOfHex(reportHex: string, guestRid: number): readonly TeeMmioRange[] {
  const byRid = placed.get(reportHex, byRidMap);
  let ranges = byRid.get(guestRid);
  if (ranges === undefined) byRid.set(guestRid, (ranges = Object.freeze(place(fromHex(reportHex), guestRid))));
  return ranges;
}

function place(report: Uint8Array, guestRid: number): TeeMmioRange[] {
  const { mmioRanges } = decodeDeviceInterfaceReport(report).message;
  if (mmioRanges.length === 0) return [];
  const low = mmioRanges.reduce((m, r) => (rangeBase(r) < m ? rangeBase(r) : m), rangeBase(mmioRanges[0] as (typeof mmioRanges)[number]));
  const window = GUEST_MMIO_BASE + (BigInt(guestRid) << 32n);
  return mmioRanges.flatMap((r, rangeIndex) =>
    (r.rangeAttributes & MmioRangeAttribute.IS_NON_TEE_MEM) !== 0
      ? []
      : [{ rangeIndex, rangeId: r.rangeId, hpa: rangeBase(r), gpa: window + (rangeBase(r) - low), pages: r.numberOfPages }],
  );
}
