import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeDeviceInterfaceReport, fromHex, spdmEmuSample, TdispDevice, toHex } from '../../src/index.js';
import { Tdi } from './helpers.js';

interface FixtureLine {
  name: string;
  request: string;
  response: string;
  maskResponse?: [number, number];
}

const lines: FixtureLine[] = readFileSync(new URL('../../../test/fixtures/spdm-emu-tdisp-lifecycle.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as FixtureLine);

const mask = (hex: string, [from, to]: [number, number] = [0, 0]): string => hex.slice(0, 2 * from) + '..'.repeat(to - from) + hex.slice(2 * to);

/** The sample never adds mmio_reporting_offset; the recorded LOCK asks for 0xd0000000. */
const RECORDED_OFFSET_PAGES = 0xd0000n;

describe('spdmEmuSample against the recorded spdm-emu lifecycle', () => {
  it('answers every recorded request like the sample, except the report ranges, which add the LOCK offset', () => {
    const device = new TdispDevice(spdmEmuSample());
    let nonce = '';
    for (const line of lines) {
      const response = toHex(device.handleTdisp(fromHex(line.request.replace('NONCE', nonce))));
      if (line.name.startsWith('LOCK_INTERFACE_REQUEST') && line.maskResponse) nonce = response.slice(32, 96);
      if (line.name.startsWith('GET_DEVICE_INTERFACE_REPORT')) continue;
      expect(mask(response, line.maskResponse), line.name).toBe(mask(line.response, line.maskResponse));
    }
  });

  it('serves the recorded report bytes when LOCK asks for offset 0, in portions 0x40 then 0x24', () => {
    const device = new TdispDevice(spdmEmuSample());
    const tdi = new Tdi(device, 0xbeef);
    tdi.lockOk({ flags: 0x0007 });
    for (const line of lines.filter((l) => l.name.startsWith('GET_DEVICE_INTERFACE_REPORT'))) {
      expect(toHex(device.handleTdisp(fromHex(line.request))), line.name).toBe(line.response);
    }
  });

  it('with the recorded offset 0xd0000000, reports the same ranges moved by 0xd0000 pages', () => {
    const device = new TdispDevice(spdmEmuSample());
    const tdi = new Tdi(device, 0xbeef);
    tdi.lockOk({ flags: 0x0007, mmioReportingOffset: 0xd000_0000n });
    const report = decodeDeviceInterfaceReport(tdi.fullReport()).message;
    expect(report.mmioRanges.map((r) => [r.firstPage - RECORDED_OFFSET_PAGES, r.numberOfPages, r.rangeAttributes, r.rangeId])).toEqual([
      [0x0n, 1, 0x4, 1],
      [0x8000n, 4, 0x8, 2],
      [0x10000n, 8, 0x8, 3],
      [0x20000n, 8, 0x8, 4],
    ]);
  });

});
