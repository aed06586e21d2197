import { describe, expect, it } from 'vitest';
import { teeio } from './in-memory.js';

/** The reference's derived LOCK_INTERFACE_REQUEST (tdisp-wire.md §8): function_id 0xbeef, flags 0x0007, offset 0xD0000000. */
const LOCK = '10830000efbe0000000000000000000007000000000000d0000000000000000000000000';

describe('teeio tdisp decode', () => {
  it('prints LOCK_INTERFACE_REQUEST with requester id 0xbeef, flags 0x0007 and mmio_reporting_offset 0xd0000000', async () => {
    const r = await teeio(['tdisp', 'decode', LOCK]);
    expect(r.code).toBe(0);
    const { tdisp } = JSON.parse(r.out) as { tdisp: Record<string, unknown> };
    expect(tdisp).toMatchObject({
      messageType: 'LOCK_INTERFACE_REQUEST',
      interfaceId: { functionId: { requesterId: '0xbeef', segment: '0x00', segmentValid: false } },
      flags: '0x0007',
      mmioReportingOffset: '0xd0000000',
    });
  });

  it('decodes every layer a DOE object carries, with offsets into the whole object', async () => {
    // GET_VERSION in a PCI-SIG VDM in a DOE object (tdisp-wire.md §8).
    const doe = '010001000900000012fe0000030002010011000110810000efbe00000000000000000000';
    const r = await teeio(['tdisp', 'decode', '--layer', 'doe', doe]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as Record<string, { [k: string]: unknown }>;
    expect(j['doe']).toMatchObject({ dataObjectType: 'SPDM' });
    expect(j['spdm']).toMatchObject({ code: 'VENDOR_DEFINED_REQUEST', protocolId: 'TDISP', payloadLength: 17 });
    expect(j['tdisp']).toMatchObject({ messageType: 'GET_TDISP_VERSION' });

    const truncated = doe.slice(0, -2);
    const bad = await teeio(['tdisp', 'decode', '--layer', 'doe', truncated]);
    expect(bad.code).toBe(2);
    expect(bad.errLines).toEqual(['teeio: doe: byte 4 (length): length-mismatch: header says 9 DW (36 bytes), buffer has 35']);
  });

  it('names the byte offset and the field of malformed input, with exit 2 and one line', async () => {
    const truncated = await teeio(['tdisp', 'decode', LOCK.slice(0, 40)]);
    expect(truncated.code).toBe(2);
    expect(truncated.errLines).toEqual(['teeio: tdisp: byte 20 (mmioReportingOffset): truncated: needs 8 byte(s), 0 left']);
    const unknown = await teeio(['tdisp', 'decode', '10990000efbe00000000000000000000']);
    expect(unknown.errLines).toEqual(['teeio: tdisp: byte 1 (messageType): unknown-type: 0x99 is not a tdisp message type']);
    const notHex = await teeio(['tdisp', 'decode', '10zz']);
    expect(notHex).toMatchObject({ code: 2, errLines: ["teeio: hex: not hex: 'z' at character 2"] });
  });

  it('flags a non-zero reserved field, and rejects it with --strict', async () => {
    const reserved = `1083${'0100'}${LOCK.slice(8)}`;
    const lenient = await teeio(['tdisp', 'decode', reserved]);
    expect(lenient.code).toBe(0);
    expect(JSON.parse(lenient.out)).toMatchObject({ tdisp: { reserved: '0x0001' }, warnings: ['tdisp: byte 2 (reserved): reserved field holds "0x0001"'] });
    const strict = await teeio(['tdisp', 'decode', '--strict', reserved]);
    expect(strict).toMatchObject({ code: 2, errLines: ['teeio: tdisp: byte 2 (reserved): reserved: reserved field holds "0x0001"'] });
  });
});

describe('teeio tdisp encode', () => {
  it('encodes what decode printed back to the same bytes, and wraps it in SPDM and DOE', async () => {
    const { tdisp } = JSON.parse((await teeio(['tdisp', 'decode', LOCK])).out) as { tdisp: unknown };
    const r = await teeio(['tdisp', 'encode', JSON.stringify(tdisp)]);
    expect(r).toMatchObject({ code: 0, out: `${LOCK}\n` });
    const wrapped = await teeio(['tdisp', 'encode', '--wrap', 'doe', JSON.stringify(tdisp)]);
    // 12-byte VDM header + 36-byte LOCK = 48 bytes = 12 DW, plus the 2-DW DOE header: 14 DW.
    expect(wrapped.out).toBe(`010001000e00000012fe00000300020100250001${LOCK}\n`);
  });

  it('names the JSON pointer of what is wrong, with exit 2 and one line', async () => {
    const { tdisp } = JSON.parse((await teeio(['tdisp', 'decode', LOCK])).out) as { tdisp: Record<string, unknown> };
    const wrongFlags = await teeio(['tdisp', 'encode', JSON.stringify({ ...tdisp, flags: '0x10000' })]);
    expect(wrongFlags.code).toBe(2);
    expect(wrongFlags.errLines).toHaveLength(1);
    expect(wrongFlags.errLines[0]).toMatch(/^teeio: tdisp JSON \/flags: /);
    const unknown = await teeio(['tdisp', 'encode', JSON.stringify({ ...tdisp, colour: 'blue' })]);
    expect(unknown.errLines).toEqual(['teeio: tdisp JSON /colour: unknown field']);
    const notJson = await teeio(['tdisp', 'encode', '{']);
    expect(notJson.code).toBe(2);
    expect(notJson.errLines[0]).toMatch(/^teeio: JSON: /);
  });
});

describe('teeio tdisp transcript', () => {
  interface Entry {
    protocol: string;
    direction: string;
    name: string;
    json: Record<string, unknown>;
    unexpected?: boolean;
  }

  it('runs the TDISP lifecycle in order against the built-in device, START carrying LOCK’s nonce', async () => {
    const r = await teeio(['tdisp', 'transcript', '--format', 'json']);
    expect(r.code).toBe(0);
    const { entries } = JSON.parse(r.out) as { entries: Entry[] };
    const tdisp = entries.filter((e) => e.protocol === 'TDISP');
    expect(tdisp.filter((e) => e.direction === 'request').map((e) => e.name)).toEqual([
      'GET_TDISP_VERSION',
      'GET_TDISP_CAPABILITIES',
      'GET_DEVICE_INTERFACE_STATE',
      'LOCK_INTERFACE_REQUEST',
      'GET_DEVICE_INTERFACE_STATE',
      'GET_DEVICE_INTERFACE_REPORT',
      'GET_DEVICE_INTERFACE_REPORT',
      'START_INTERFACE_REQUEST',
      'GET_DEVICE_INTERFACE_STATE',
      'STOP_INTERFACE_REQUEST',
      'GET_DEVICE_INTERFACE_STATE',
    ]);
    expect(entries.some((e) => e.unexpected)).toBe(false);
    const states = tdisp.filter((e) => e.name === 'DEVICE_INTERFACE_STATE').map((e) => e.json['tdiState']);
    expect(states).toEqual(['CONFIG_UNLOCKED', 'CONFIG_LOCKED', 'RUN', 'CONFIG_UNLOCKED']);
    const nonce = tdisp.find((e) => e.name === 'LOCK_INTERFACE_RESPONSE')?.json['startInterfaceNonce'];
    expect(tdisp.find((e) => e.name === 'START_INTERFACE_REQUEST')?.json['startInterfaceNonce']).toBe(nonce);
    // The default device's keys are programmed first: all six sub-streams of stream 0.
    expect(entries.filter((e) => e.protocol === 'IDE_KM' && e.name === 'K_SET_GO')).toHaveLength(6);
  });

  it('reads the report in portions whose remainders add up', async () => {
    const { entries } = JSON.parse((await teeio(['tdisp', 'transcript', '--format', 'json', '--portion', '0x20'])).out) as { entries: Entry[] };
    const portions = entries.filter((e) => e.name === 'DEVICE_INTERFACE_REPORT').map((e) => e.json as { portionLength: number; remainderLength: number });
    const total = portions[0] ? portions[0].portionLength + portions[0].remainderLength : 0;
    expect(portions.length).toBeGreaterThan(1);
    portions.forEach((p, i) => expect(p.portionLength + p.remainderLength).toBe(total - portions.slice(0, i).reduce((n, q) => n + q.portionLength, 0)));
    expect(portions.at(-1)?.remainderLength).toBe(0);
  });

  it('is the same byte for byte on every run (seeded nonces)', async () => {
    const a = await teeio(['tdisp', 'transcript', '--format', 'json']);
    const b = await teeio(['tdisp', 'transcript', '--format', 'json']);
    expect(a.out).toBe(b.out);
  });

  it('prints a table of each message beside its bytes as text', async () => {
    const r = await teeio(['tdisp', 'transcript']);
    expect(r.out).toContain('TDISP LOCK_INTERFACE_REQUEST');
    expect(r.out).toContain('10 83 00 00 00 01 00 00');
  });

  it('refuses a bad --portion and a bad --peer with exit 2 and one line', async () => {
    expect(await teeio(['tdisp', 'transcript', '--portion', '0'])).toMatchObject({ code: 2, errLines: ["teeio: --portion: '0' is not a length of 1..0xffff"] });
    const peer = await teeio(['tdisp', 'transcript', '--peer', 'nohost:notaport']);
    expect(peer.code).toBe(2);
    expect(peer.errLines).toHaveLength(1);
    expect(peer.errLines[0]).toMatch(/^teeio: --peer "nohost:notaport": /);
  });
});

describe('usage errors', () => {
  it.each([
    [['run'], "teeio: missing required argument 'scenario' (see teeio run --help)"],
    [['run', '--bogus', 'x.json'], "teeio: unknown option '--bogus' (see teeio run --help)"],
    [['nosuch'], "teeio: unknown command 'nosuch' (see teeio --help)"],
    [['tdisp', 'decode', '--layer', 'x', '00'], "teeio: option '--layer <layer>' argument 'x' is invalid. Allowed choices are doe, spdm, tdisp, idekm, report. (see teeio tdisp decode --help)"],
  ])('%j: exit 2 and one line naming what is wrong and the help to read', async (args, line) => {
    expect(await teeio(args)).toMatchObject({ code: 2, errLines: [line] });
  });
});
