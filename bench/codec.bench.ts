import {
  type DeviceInterfaceReport,
  decodeDeviceInterfaceReport,
  encodeDeviceInterfaceReport,
  fromHex,
  tdisp,
} from '@teeio/core';
import { type Measured, fmt, measure } from './harness.js';

/** The LOCK_INTERFACE_REQUEST of the reference's derived bytes (function_id 0xbeef, offset 0xd0000000). */
const LOCK = fromHex('10830000efbe0000000000000000000007000000000000d0000000000000000000000000');

/** A report with four MMIO ranges and 16 bytes of device-specific info (the spdm-emu sample's shape). */
const REPORT: DeviceInterfaceReport = {
  interfaceInfo: 0x0003,
  msiXMessageControl: 0,
  lnrControl: 0,
  tphControl: 0,
  mmioRanges: [
    { firstPage: 0xd0000n, numberOfPages: 1, rangeAttributes: 0x4, rangeId: 1 },
    { firstPage: 0xd8000n, numberOfPages: 4, rangeAttributes: 0x8, rangeId: 2 },
    { firstPage: 0xe0000n, numberOfPages: 8, rangeAttributes: 0x8, rangeId: 3 },
    { firstPage: 0xf0000n, numberOfPages: 8, rangeAttributes: 0x8, rangeId: 4 },
  ],
  deviceSpecificInfo: new TextEncoder().encode('tdisp_dev_emu\0\0\0'),
};
const REPORT_BYTES = encodeDeviceInterfaceReport(REPORT);

/**
 * Baselines: the same fields read with a plain DataView into a plain object, no validation, no
 * error locations. The ratio says what the declarative codec costs over the least one can do.
 */
function dataViewLock(b: Uint8Array) {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return {
    version: v.getUint8(0),
    messageType: v.getUint8(1),
    functionId: v.getUint32(4, true),
    flags: v.getUint16(16, true),
    defaultStreamId: v.getUint8(18),
    mmioReportingOffset: v.getBigUint64(20, true),
    bindP2pAddressMask: v.getBigUint64(28, true),
  };
}

function dataViewReport(b: Uint8Array) {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const count = v.getUint32(12, true);
  const ranges = [];
  for (let i = 0; i < count; i++) {
    const at = 16 + 16 * i;
    ranges.push({ firstPage: v.getBigUint64(at, true), numberOfPages: v.getUint32(at + 8, true), rangeAttributes: v.getUint16(at + 12, true), rangeId: v.getUint16(at + 14, true) });
  }
  const infoAt = 16 + 16 * count;
  const len = v.getUint32(infoAt, true);
  return { interfaceInfo: v.getUint16(0, true), msiXMessageControl: v.getUint16(4, true), lnrControl: v.getUint16(6, true), tphControl: v.getUint32(8, true), ranges, info: b.slice(infoAt + 4, infoAt + 4 + len) };
}

export interface CodecRow {
  readonly what: string;
  readonly codec: Measured;
  readonly baseline: Measured;
}

export async function codecBenchmarks(): Promise<CodecRow[]> {
  const lockMsg = tdisp.decode(LOCK).message;
  const r = await measure({
    'decode LOCK_INTERFACE_REQUEST': () => tdisp.decode(LOCK),
    'baseline DataView LOCK': () => dataViewLock(LOCK),
    'decode 4-range report': () => decodeDeviceInterfaceReport(REPORT_BYTES),
    'baseline DataView report': () => dataViewReport(REPORT_BYTES),
    'encode+decode LOCK_INTERFACE_REQUEST': () => tdisp.decode(tdisp.encode(lockMsg)),
    'encode+decode 4-range report': () => decodeDeviceInterfaceReport(encodeDeviceInterfaceReport(REPORT)),
  });
  const get = (k: string) => r.get(k) as Measured;
  return [
    { what: 'decode LOCK_INTERFACE_REQUEST (36 B)', codec: get('decode LOCK_INTERFACE_REQUEST'), baseline: get('baseline DataView LOCK') },
    { what: 'decode 4-range report (100 B)', codec: get('decode 4-range report'), baseline: get('baseline DataView report') },
    { what: 'encode+decode LOCK_INTERFACE_REQUEST', codec: get('encode+decode LOCK_INTERFACE_REQUEST'), baseline: get('baseline DataView LOCK') },
    { what: 'encode+decode 4-range report', codec: get('encode+decode 4-range report'), baseline: get('baseline DataView report') },
  ];
}

export function codecTable(rows: readonly CodecRow[]): string {
  const lines = ['| operation | teeio ops/s | DataView baseline ops/s | baseline ÷ teeio | ≥ 1,000,000/s |', '|---|---:|---:|---:|:---:|'];
  for (const { what, codec, baseline } of rows) {
    lines.push(`| ${what} | ${fmt(codec.opsPerSecond)} ±${codec.rme.toFixed(1)}% | ${fmt(baseline.opsPerSecond)} | ${(baseline.opsPerSecond / codec.opsPerSecond).toFixed(1)}× | ${codec.opsPerSecond >= 1e6 ? 'yes' : 'no'} |`);
  }
  return lines.join('\n');
}
