import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DeviceInterfaceReport,
  type SpdmEmuServer,
  type TdispResponder,
  START_INTERFACE_NONCE_SIZE,
  connectSpdmEmu,
  decodeDeviceInterfaceReport,
  encodeDeviceInterfaceReport,
  fromHex,
  serveSpdmEmu,
  toHex,
} from '../../src/index.js';
import { tdispOnlyDevice } from '../../src/validator/index.js';

/**
 * Replays the exchange recorded with DMTF spdm_responder_emu against teeio's simulated device
 * behind `teeio tdisp serve`'s server (the spdm-emu-sample preset, as the command serves by
 * default), over loopback, through the spdm-emu client. Responses must equal the recording
 * byte for byte, except the masked nonce and the sample's deviations from the spec.
 */

interface Recorded {
  name: string;
  request: string;
  response: string;
  maskResponse?: [number, number];
}

const FIXTURE = new URL('../../../test/fixtures/spdm-emu-tdisp-lifecycle.jsonl', import.meta.url);
const recorded: Recorded[] = readFileSync(FIXTURE, 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as Recorded);

/** The recording's LOCK asked for this mmio_reporting_offset (bytes 20..27 of the request). */
const REPORTING_OFFSET = 0xd000_0000n;
const REPORT_HEAD = 20;

/**
 * The sample's report does not add the LOCK's mmio_reporting_offset to first_page (fixtures
 * README); the spec's report does. This is the recorded report with the offset added.
 */
function specReport(): Uint8Array {
  const portions = recorded.filter((r) => r.name.startsWith('GET_DEVICE_INTERFACE_REPORT')).map((r) => fromHex(r.response).subarray(REPORT_HEAD));
  const sample: DeviceInterfaceReport = decodeDeviceInterfaceReport(Uint8Array.from(portions.flatMap((p) => [...p]))).message;
  const shift = REPORTING_OFFSET >> 12n;
  return encodeDeviceInterfaceReport({ ...sample, mmioRanges: sample.mmioRanges.map((r) => ({ ...r, firstPage: r.firstPage + shift })) });
}

/** The recorded report response with its portion replaced by the same slice of the spec's report. */
function withSpecPortion(response: string, requestHex: string): string {
  const request = fromHex(requestHex);
  const offset = request[16]! | (request[17]! << 8);
  const bytes = fromHex(response);
  bytes.set(specReport().subarray(offset, offset + bytes.length - REPORT_HEAD), REPORT_HEAD);
  return toHex(bytes);
}

let server: SpdmEmuServer;
let client: TdispResponder;
let nonce: Uint8Array | undefined;

beforeAll(async () => {
  server = await serveSpdmEmu({ port: 0, responderFor: () => tdispOnlyDevice('spdm-emu-sample') });
  client = await connectSpdmEmu('127.0.0.1', server.address.port, { timeoutMs: 2000 });
});

afterAll(async () => {
  await client.close();
  await server.close();
});

async function replay(r: Recorded): Promise<Uint8Array> {
  const request = r.request.endsWith('NONCE') ? `${r.request.slice(0, -'NONCE'.length)}${toHex(nonce ?? new Uint8Array(0))}` : r.request;
  return client.exchange(fromHex(request));
}

// The exchanges are one lifecycle: they run in order on one connection.
describe('replay of spdm-emu-tdisp-lifecycle.jsonl through teeio tdisp serve', () => {
  for (const r of recorded) {
    const reportPortion = r.name.startsWith('GET_DEVICE_INTERFACE_REPORT');
    const title = reportPortion
      ? `${r.name}: the spec's first_page (deviation: the sample does not add mmio_reporting_offset)`
      : r.maskResponse
        ? `${r.name}: byte for byte outside the random nonce`
        : `${r.name}: byte for byte`;
    it(title, async () => {
      const got = await replay(r);
      if (r.maskResponse) {
        const [from, to] = r.maskResponse;
        const expected = fromHex(r.response);
        expect(got.length).toBe(expected.length);
        expect(toHex(got.subarray(0, from)) + toHex(got.subarray(to))).toBe(toHex(expected.subarray(0, from)) + toHex(expected.subarray(to)));
        nonce = got.slice(from, to);
        expect(nonce.length).toBe(START_INTERFACE_NONCE_SIZE);
        return;
      }
      expect(toHex(got)).toBe(reportPortion ? withSpecPortion(r.response, r.request) : r.response);
    });
  }
});
