/**
 * `--format tap` on `teeio tdisp validate` and `teeio run`, read back with tap-parser (a real TAP
 * 13 consumer): the plan covers every point, failures are exactly the failed checks, skips
 * exactly the not-applicable ones, and the exit code is the one the other formats give.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Parser, type FinalResults } from 'tap-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { INVARIANTS } from '../../../core/src/invariants/index.js';
import { toTap } from '../../../core/src/report/tap.js';
import { serveSpdmEmu } from '../../../core/src/transport/index.js';
import { tdispOnlyDevice } from '../../../core/src/validator/index.js';
import { likeSpdmEmuSample } from '../../../core/test/validator/misbehaving.js';
import { teeio } from './in-memory.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CHECK_COUNT = 35;

function parse(text: string): Promise<FinalResults> {
  return new Promise((resolve) => {
    const p = new Parser();
    p.on('complete', resolve);
    p.end(text);
  });
}

/** The parsed document, after checking its form: version line first, then the plan. */
async function tapOf(out: string): Promise<FinalResults> {
  const lines = out.split('\n');
  expect(lines.slice(0, 2)).toEqual(['TAP version 13', expect.stringMatching(/^1\.\.\d+$/)]);
  const results = await parse(out);
  expect(results.plan.end).toBe(results.count);
  return results;
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

describe('teeio tdisp validate --format tap', () => {
  it.each(['default', 'spdm-emu-sample'])('passes every check of the built-in device (preset %s) as one point each', async (preset) => {
    const r = await teeio(['tdisp', 'validate', '--format', 'tap', '--preset', preset], ROOT);
    expect([r.code, r.err]).toEqual([0, '']);
    const t = await tapOf(r.out);
    expect([t.ok, t.count, t.pass, t.fail, t.skip]).toEqual([true, CHECK_COUNT, CHECK_COUNT, 0, 0]);
  });

  it('shows an advisory as a passing point with its source; --strict makes it a failure with diagnostics', async () => {
    const loose = await teeio(['tdisp', 'validate', '--format', 'tap', '--preset', 'spdm-emu-sample'], ROOT);
    expect(loose.out).toContain('\nok 4 capabilities.dev-addr-width-52 # advisory (intel/tee-io-validator): ');
    const strict = await teeio(['tdisp', 'validate', '--format', 'tap', '--preset', 'spdm-emu-sample', '--strict'], ROOT);
    expect(strict.code).toBe(1);
    const t = await tapOf(strict.out);
    expect([t.ok, t.count, t.fail]).toEqual([false, CHECK_COUNT, 2]);
    expect(t.failures.map((f) => f.name)).toEqual(['capabilities.dev-addr-width-52', 'capabilities.num-req-nonzero']);
    expect(strict.out).toContain('\nnot ok 4 capabilities.dev-addr-width-52\n# rule:     TDISP_CAPABILITIES DEV_ADDR_WIDTH is at least 52');
  });

  it('on a peer like the real sample: its 4 deviations fail, its 6 device-event checks are # SKIP', async () => {
    const server = await serveSpdmEmu({ port: 0, responderFor: () => likeSpdmEmuSample(tdispOnlyDevice('spdm-emu-sample')) });
    closers.push(() => server.close());
    const r = await teeio(['tdisp', 'validate', '--format', 'tap', '--peer', `127.0.0.1:${server.address.port}`], ROOT);
    expect(r.code).toBe(1);
    const t = await tapOf(r.out);
    expect([t.count, t.fail, t.skip, t.pass]).toEqual([CHECK_COUNT, 4, 6, CHECK_COUNT - 4]);
    expect(t.skips.every((s) => s.skip === 'needs a device event, and a peer can be told of none')).toBe(true);
  });

  it('when the peer goes away mid-run: the checks so far, then Bail out! with the transport error; exit 2', async () => {
    const device = tdispOnlyDevice('default');
    let left = 40;
    const exchange = (m: Uint8Array) => (left-- > 0 ? device.exchange(m) : Promise.reject(new Error('device gone')));
    const server = await serveSpdmEmu({ port: 0, responderFor: () => ({ exchange, close: () => Promise.resolve() }), log: () => undefined });
    closers.push(() => server.close());
    const r = await teeio(['tdisp', 'validate', '--format', 'tap', '--peer', `127.0.0.1:${server.address.port}`, '--interface', '01:00.0'], ROOT);
    expect([r.code, r.errLines.length]).toEqual([2, 1]);
    const t = await tapOf(r.out);
    expect(t.count).toBeGreaterThan(0);
    expect(t.count).toBeLessThan(CHECK_COUNT);
    expect(t.bailout).toBe(r.errLines[0]?.replace(/^teeio: /, ''));
  });
});

describe('teeio run --format tap', () => {
  it('on every built-in: one passing point per expectation and invariant of each arch, in one document', async () => {
    const r = await teeio(['run', 'examples/lifecycle.json', '--format', 'tap'], ROOT);
    const json = await teeio(['run', 'examples/lifecycle.json', '--format', 'jsonl'], ROOT);
    const reports = json.out.trimEnd().split('\n').map((l) => JSON.parse(l) as { arch: string; expectations: unknown[] });
    expect([r.code, r.err, reports.length > 1]).toEqual([0, '', true]);
    const t = await tapOf(r.out);
    const points = reports.reduce((n, x) => n + x.expectations.length + INVARIANTS.length, 0);
    expect([t.ok, t.count, t.pass]).toEqual([true, points, points]);
    for (const { arch } of reports) expect(r.out).toMatch(new RegExp(`\nok \\d+ ${arch}: invariant no-leaks-after-teardown\n`));
  });

  it('an invariant the scenario does not expect to break is `not ok`, and the run exits 1', async () => {
    // The lifecycle with the TDI unbound while its private MMIO is still mapped.
    const s = JSON.parse(readFileSync(join(ROOT, 'examples/lifecycle.json'), 'utf8')) as { steps: unknown[] };
    s.steps.splice(3, 0, { step: 'tsm.unbind', tdi: '0000:01:00.1' });
    const file = join(mkdtempSync(join(tmpdir(), 'teeio-tap-')), 'scenario.json');
    writeFileSync(file, JSON.stringify(s));
    const r = await teeio(['run', '--plugin', 'test/src/reference-plugin/index.ts', file, '--format', 'tap'], ROOT);
    expect(r.code).toBe(1);
    const t = await tapOf(r.out);
    const names = t.failures.map((f) => f.name);
    expect(names).toContain('devsec: invariant private-mmio-only-in-bound-vm');
    expect(names).toContain('devsec: expect violation');
    expect(r.out).toMatch(/\nnot ok \d+ devsec: invariant private-mmio-only-in-bound-vm\n# invariant 2 broken after tsm\.unbind: /);
  });

  it('an invariant the scenario expects to break is `not ok # TODO`, which fails neither the document nor the run', async () => {
    const r = await teeio(['run', '--arch', 'tdx', 'examples/tdx-bind-with-hypervisor-mapping.json', '--format', 'tap'], ROOT);
    expect(r.code).toBe(0);
    const t = await tapOf(r.out);
    expect([t.ok, t.failures.length, t.todos.map((x) => x.name)]).toEqual([true, 0, ['tdx: invariant host-cannot-touch-private-mmio']]);
  });

  it('with --no-invariants, every invariant is # SKIP', async () => {
    const r = await teeio(['run', '--arch', 'tdx', 'examples/lifecycle.json', '--format', 'tap', '--no-invariants'], ROOT);
    const t = await tapOf(r.out);
    expect([r.code, t.skip]).toEqual([0, INVARIANTS.length]);
  });
});

describe('the TAP writer', () => {
  it('escapes # and \\ in descriptions, keeps a leading digit from reading as the number, and bails out', async () => {
    const out = toTap([{ ok: false, description: '3 rules # of 5 \\ a' }, { ok: true, description: 'x', directive: 'SKIP why' }], 'peer gone');
    expect(out).toBe('TAP version 13\n1..2\nnot ok 1 - 3 rules \\# of 5 \\\\ a\nok 2 x # SKIP why\nBail out! peer gone\n');
    const t = await parse(out);
    expect([t.failures[0]?.name, t.skip, t.bailout]).toEqual(['3 rules # of 5 \\ a', 1, 'peer gone']);
  });
});
