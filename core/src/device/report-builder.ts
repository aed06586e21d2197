import { type DeviceInterfaceReport, fromHex, LockInterfaceFlag, type MmioRange, MmioRangeAttribute, REPORT_PAGE_SHIFT, REPORT_PAGE_SIZE } from '../wire/index.js';
import type { BarConfig, FunctionConfig, MsixConfig } from './config.js';

/**
 * The DEVICE_INTERFACE_REPORT of a TDI as LOCK_INTERFACE finds it: one MMIO range per BAR
 * (range_id = BAR index), with the locked MSI-X table and PBA carved out as ranges of their own.
 */

const PAGE = REPORT_PAGE_SIZE;

export interface ReportLock {
  flags: number;
  mmioReportingOffset: bigint;
}

/** A page interval [from, to) of a BAR that carries `attributes` instead of the BAR's own. */
interface Carve {
  from: bigint;
  to: bigint;
  attributes: number;
}

const pagesOf = (bytes: bigint): bigint => (bytes + PAGE - 1n) / PAGE;

function barAttributes(bar: BarConfig): number {
  return (bar.nonTee ? MmioRangeAttribute.IS_NON_TEE_MEM : 0) | (bar.attrUpdatable ? MmioRangeAttribute.IS_MEM_ATTR_UPDATABLE : 0);
}

/** The MSI-X structures in `bar`, by the pages they touch. They are locked TEE memory, not updatable. */
function msixCarves(msix: MsixConfig | undefined, bar: BarConfig): Carve[] {
  if (!msix) return [];
  const parts = [
    { region: msix.table, attributes: MmioRangeAttribute.MSIX_TABLE },
    { region: msix.pba, attributes: MmioRangeAttribute.MSIX_PBA },
  ];
  return parts
    .filter((p) => p.region.bar === bar.index)
    .map((p) => ({ from: p.region.offset / PAGE, to: pagesOf(p.region.offset + p.region.size), attributes: p.attributes }));
}

/**
 * Splits the BAR's pages where a carve starts or ends; each piece takes the attributes of the
 * carves covering it (a table and a PBA sharing a page give one range with both), or the BAR's.
 */
function barRanges(bar: BarConfig, address: bigint, offset: bigint, carves: Carve[]): MmioRange[] {
  const pages = pagesOf(bar.size);
  const cuts = [...new Set([0n, pages, ...carves.flatMap((c) => [c.from, c.to])])].filter((p) => p <= pages).sort((a, b) => (a < b ? -1 : 1));
  const firstPage = (address + offset) >> REPORT_PAGE_SHIFT;
  return cuts.slice(0, -1).map((from, i) => {
    const covering = carves.filter((c) => c.from <= from && from < c.to);
    return {
      firstPage: firstPage + from,
      numberOfPages: Number((cuts[i + 1] as bigint) - from),
      rangeAttributes: covering.length === 0 ? barAttributes(bar) : covering.reduce((a, c) => a | c.attributes, 0),
      rangeId: bar.index,
    };
  });
}

/** MSI-X Message Control as reported: the Table Size field (vectors − 1). */
function msixMessageControl(msix: MsixConfig): number {
  return Number(msix.table.size / 16n) - 1;
}

/**
 * [C]: msi_x_message_control must be clear unless MSI-X is supported and locked; without
 * LOCK_MSIX the table and PBA stay inside their BAR's range.
 */
export function buildReport(fn: FunctionConfig, barAddresses: Readonly<Record<string, bigint>>, lock: ReportLock): DeviceInterfaceReport {
  const msix = (lock.flags & LockInterfaceFlag.LOCK_MSIX) !== 0 ? fn.msix : undefined;
  const bars = [...fn.bars].sort((a, b) => a.index - b.index);
  return {
    interfaceInfo: fn.interfaceInfo ?? 0,
    msiXMessageControl: msix ? msixMessageControl(msix) : 0,
    lnrControl: 0,
    tphControl: 0,
    mmioRanges: bars.flatMap((bar) => barRanges(bar, barAddresses[String(bar.index)] ?? bar.address, lock.mmioReportingOffset, msixCarves(msix, bar))),
    deviceSpecificInfo: fromHex(fn.deviceSpecificInfo ?? ''),
  };
}
