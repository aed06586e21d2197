import { countedArray, countedBytes, reservedBits, reservedU16, struct, u16, u32, u32dec, u64 } from '../codec/codec.js';
import type { DecodeOptions } from '../codec/reader.js';
import { decodeWith, encodeWith } from '../codec/single.js';
import { RANGE_ATTRIBUTES_RESERVED_SHIFT } from './codes.js';

/**
 * One MMIO range of the interface report (`pci_tdisp_mmio_range_t`, 16 bytes). first_page is a
 * 4 KiB page number with the LOCK's mmio_reporting_offset already added.
 */
export const mmioRangeCodec = struct({
  firstPage: u64,
  numberOfPages: u32dec,
  rangeAttributes: reservedBits(u16, RANGE_ATTRIBUTES_RESERVED_SHIFT),
  rangeId: u16,
});
export type MmioRange = ReturnType<typeof mmioRangeCodec.read>;

/** `sizeof(pci_tdisp_mmio_range_t)`. */
const MMIO_RANGE_SIZE = 16;
/** The report cannot exceed what a u32 count of 16-byte ranges within a u16-addressed report allows. */
const MAX_RANGES = 0xfff;
const MAX_DEVICE_INFO = 0xffff;

/** DEVICE_INTERFACE_REPORT structure (`pci_tdisp_device_interface_report_struct_t`). */
export const deviceInterfaceReportCodec = struct({
  interfaceInfo: u16,
  reserved: reservedU16,
  msiXMessageControl: u16,
  lnrControl: u16,
  tphControl: u32,
  mmioRanges: countedArray(u32dec, MAX_RANGES, mmioRangeCodec, MMIO_RANGE_SIZE),
  deviceSpecificInfo: countedBytes(u32, MAX_DEVICE_INFO),
});
export type DeviceInterfaceReport = ReturnType<typeof deviceInterfaceReportCodec.read>;

export const decodeDeviceInterfaceReport = (bytes: Uint8Array, options?: DecodeOptions) => decodeWith(deviceInterfaceReportCodec, 'report', bytes, options);
export const encodeDeviceInterfaceReport = (report: DeviceInterfaceReport) => encodeWith(deviceInterfaceReportCodec, report);

export const REPORT_PAGE_SHIFT = 12n;

/** The report counts MMIO in 4 KiB pages (first_page, number_of_pages). */
export const REPORT_PAGE_SIZE = 1n << REPORT_PAGE_SHIFT;

/** Where `pages` report pages from `base` end (exclusive). */
export const pagesEnd = (base: bigint, pages: number): bigint => base + BigInt(pages) * REPORT_PAGE_SIZE;

/** Whether `address` lies in the `pages` report pages from `base`. */
export const withinPages = (address: bigint, base: bigint, pages: number): boolean => address >= base && address < pagesEnd(base, pages);

/** Byte address of a range: first_page × 4 KiB. */
export function rangeBase(range: MmioRange): bigint {
  return range.firstPage << REPORT_PAGE_SHIFT;
}

