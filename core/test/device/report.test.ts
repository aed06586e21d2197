import { describe, expect, it } from 'vitest';
import {
  buildReport,
  decodeDeviceInterfaceReport,
  defaultDevice,
  LockInterfaceFlag,
  MmioRangeAttribute,
  spdmEmuSample,
  TdispDevice,
  TdispErrorCode,
  toHex,
} from '../../src/index.js';
import { errorCodeOf, readyDevice, Tdi } from './helpers.js';

const { MSIX_TABLE, MSIX_PBA, IS_NON_TEE_MEM, IS_MEM_ATTR_UPDATABLE } = MmioRangeAttribute;
const rows = (ranges: { firstPage: bigint; numberOfPages: number; rangeAttributes: number; rangeId: number }[]) =>
  ranges.map((r) => [r.firstPage, r.numberOfPages, r.rangeAttributes, r.rangeId]);

describe('the interface report', () => {
  const [pf] = defaultDevice().functions;
  if (!pf) throw new Error('preset without functions');
  const addresses = Object.fromEntries(pf.bars.map((b) => [String(b.index), b.address]));

  it('has one range per BAR (range_id = BAR index, pages from the size, attributes from the BAR), no MSI-X without LOCK_MSIX', () => {
    const report = buildReport(pf, addresses, { flags: 0, mmioReportingOffset: 0n });
    expect(rows(report.mmioRanges)).toEqual([
      [0xfe000n, 0x100, 0, 0],
      [0x3800000n, 0x10000, IS_MEM_ATTR_UPDATABLE, 2],
    ]);
    expect(report.msiXMessageControl).toBe(0);
  });

  it('with LOCK_MSIX carves the MSI-X table and PBA out of their BAR and fills msi_x_message_control', () => {
    const report = buildReport(pf, addresses, { flags: LockInterfaceFlag.LOCK_MSIX, mmioReportingOffset: 0n });
    expect(rows(report.mmioRanges)).toEqual([
      [0xfe000n, 0x80, 0, 0],
      [0xfe080n, 1, MSIX_TABLE, 0],
      [0xfe081n, 1, MSIX_PBA, 0],
      [0xfe082n, 0x7e, 0, 0],
      [0x3800000n, 0x10000, IS_MEM_ATTR_UPDATABLE, 2],
    ]);
    // 0x800 bytes of table: 128 vectors, Table Size field 127.
    expect(report.msiXMessageControl).toBe(127);
  });

  it('reports a table and a PBA sharing a page as one range with both attributes', () => {
    const shared = { ...pf, msix: { table: { bar: 0, offset: 0x1000n, size: 0x100n }, pba: { bar: 0, offset: 0x1800n, size: 0x8n } } };
    const report = buildReport(shared, addresses, { flags: LockInterfaceFlag.LOCK_MSIX, mmioReportingOffset: 0n });
    expect(rows(report.mmioRanges).slice(0, 3)).toEqual([
      [0xfe000n, 1, 0, 0],
      [0xfe001n, 1, MSIX_TABLE | MSIX_PBA, 0],
      [0xfe002n, 0xfe, 0, 0],
    ]);
  });

  it('adds the LOCK’s mmio_reporting_offset to every first_page', () => {
    const tdi = new Tdi(readyDevice(defaultDevice()), 0x0100);
    tdi.lockOk({ mmioReportingOffset: 0x1_0000_0000n });
    const report = decodeDeviceInterfaceReport(tdi.fullReport()).message;
    expect(report.mmioRanges.map((r) => r.firstPage)).toEqual([0xfe000n + 0x100000n, 0x3800000n + 0x100000n]);
  });

  it('carries interface_info and device-specific info from the configuration, and NON_TEE from the BAR', () => {
    const tdi = new Tdi(new TdispDevice(spdmEmuSample()), 0xbeef);
    tdi.lockOk();
    const report = decodeDeviceInterfaceReport(tdi.fullReport()).message;
    expect(report.interfaceInfo).toBe(0x0003);
    expect(toHex(report.deviceSpecificInfo)).toBe('74646973705f6465765f656d75000000');
    expect(report.mmioRanges[0]?.rangeAttributes).toBe(IS_NON_TEE_MEM);
  });

  it('is built at LOCK: a BAR moved while CONFIG_UNLOCKED shows in the next lock’s report', () => {
    const device = readyDevice(defaultDevice());
    const tdi = new Tdi(device, 0x0101);
    device.apply({ kind: 'BAR_WRITE', requesterId: 0x0101, bar: 0, address: 0x40_0000_0000n });
    tdi.lockOk();
    expect(decodeDeviceInterfaceReport(tdi.fullReport()).message.mmioRanges[0]?.firstPage).toBe(0x4000000n);
  });
});

describe('report portions (100-byte sample report, at most 0x40 per portion)', () => {
  const locked = () => {
    const tdi = new Tdi(new TdispDevice(spdmEmuSample()), 0xbeef);
    tdi.lockOk();
    return tdi;
  };
  const portion = (offset: number, length: number) => {
    const m = locked().report(offset, length);
    if (m.messageType !== 'DEVICE_INTERFACE_REPORT') return errorCodeOf(m);
    return [m.portion.length, m.remainderLength];
  };

  it.each([
    [0, 0x40, [0x40, 0x24]],
    [0x40, 0x40, [0x24, 0]],
    [0, 0xffff, [0x40, 0x24]],
    [0x10, 0x08, [0x08, 100 - 0x18]],
    [0x60, 0x10, [4, 0]],
    [99, 1, [1, 0]],
  ])('offset %i length %i gives portion and remainder %j', (offset, length, expected) => {
    expect(portion(offset, length)).toEqual(expected);
  });

  it.each([
    [0, 0],
    [100, 1],
    [0xffff, 0x40],
  ])('offset %i length %i is INVALID_REQUEST', (offset, length) => {
    expect(portion(offset, length)).toBe(TdispErrorCode.INVALID_REQUEST);
  });

  it('portions put together are the whole report', () => {
    const tdi = locked();
    const whole = tdi.fullReport();
    expect(whole).toHaveLength(100);
    expect(decodeDeviceInterfaceReport(whole).message.mmioRanges).toHaveLength(4);
  });
});
