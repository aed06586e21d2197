/**
 * `teeio explore` on a device model ("world": "device"): the same command, search, workers and
 * report as scenario models; --arch, --plugin and --out refused with one line; bad device
 * models named by JSON pointer (exit 2).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { EXPLORE_SCHEMA, type ExploreReport } from '../../../core/src/explore/report.js';
import { teeio } from '../cli/in-memory.js';

const SPIN = fileURLToPath(new URL('../../../bench/spin/', import.meta.url));
const N1 = join(SPIN, 'tdisp-n1-b1.json');
const N2 = join(SPIN, 'tdisp-n2-b1.json');
const dir = mkdtempSync(join(tmpdir(), 'teeio-device-explore-'));
const good = JSON.parse(readFileSync(N1, 'utf8')) as Record<string, unknown>;

function file(content: unknown): string {
  const path = join(dir, 'bad.json');
  writeFileSync(path, JSON.stringify(content));
  return path;
}

const verdicts = (r: ExploreReport) => r.results.map(({ stats: _s, ...v }) => v);

describe('teeio explore on a device model', { timeout: 120_000 }, () => {
  it('prints one JSON document of the explore schema: SPIN\'s count, the TDX unmap refusal reached', async () => {
    const r = await teeio(['explore', '--no-reduction', '--format', 'json', N1]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out) as ExploreReport;
    const valid = new Ajv({ strict: true, allErrors: true }).compile(EXPLORE_SCHEMA);
    expect(valid(report), JSON.stringify(valid.errors)).toBe(true);
    const [result] = report.results;
    expect(report.archs).toEqual(['device']);
    expect(result?.states).toBe(46);
    // Revoke before STOP: TDH.MMIO.UNMAP refused in CONFIG_LOCKED, at the earliest after LOCK and map.
    expect(result?.firmwareErrors.find((f) => f.code === 'TDX_DEVIF_TDISP_INVALID_STATE')).toEqual({
      code: 'TDX_DEVIF_TDISP_INVALID_STATE',
      op: 'TDH.MMIO.UNMAP',
      depth: 3,
      trace: [
        { fire: 'lock', tdi: 0 },
        { fire: 'map', tdi: 0 },
        { fire: 'revoke', tdi: 0 },
      ],
    });
  });

  it('worker threads find exactly what one thread finds, with and without symmetry', async () => {
    for (const flags of [[], ['--no-reduction']]) {
      const one = await teeio(['explore', ...flags, '--format', 'json', N2]);
      const two = await teeio(['explore', ...flags, '--format', 'json', '--workers', '2', N2]);
      expect(two.err).toBe('');
      const [a, b] = [JSON.parse(one.out) as ExploreReport, JSON.parse(two.out) as ExploreReport];
      expect(verdicts(b)).toEqual(verdicts(a));
      expect(a.results[0]?.states).toBe(flags.length === 0 ? 1081 : 2116);
    }
  });

  it('stops at --max-states and prints text within 100 columns', async () => {
    const r = await teeio(['explore', '--max-states', '100', N2], process.cwd(), { columns: 100 });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^ {2}100 distinct states, \d+ transitions, depth \d+, stopped at --max-states$/m);
    expect(r.out.split('\n').every((l) => l.length <= 100)).toBe(true);
  });
});

describe('teeio explore: device models refuse what they cannot use', () => {
  it.each([
    [['--arch', 'tdx'], /^teeio: --arch: .*tdisp-n1-b1\.json is a device model \("world": "device"\): it runs on the simulated device/],
    [['--plugin', './x.js'], /^teeio: --plugin: .*is a device model/],
    [['--out', dir], /^teeio: --out: .*is a device model \("world": "device"\); its traces are TDI events/],
  ])('%j: one line, exit 2', async (flags, line) => {
    const r = await teeio(['explore', ...flags, N1]);
    expect(r.code).toBe(2);
    expect(r.errLines).toEqual([expect.stringMatching(line)]);
    expect(r.out).toBe('');
  });
});

describe('teeio explore: bad device models', () => {
  it.each([
    ['an unknown event', { ...good, events: [{ fire: 'meteor' }] }, /bad\.json: \/events\/0\/fire: must be one of "lock", "report", /],
    ['too many TDIs', { ...good, device: { preset: 'spdm-emu-sample', tdis: 8 } }, /bad\.json: \/device\/tdis: must be <= 7$/],
    ['an unknown host', { ...good, host: 'sev' }, /bad\.json: \/host: must be one of "tdx"$/],
    ['an event twice', { ...good, events: [{ fire: 'lock' }, { fire: 'stop' }, { fire: 'lock', max: 2 }] }, /bad\.json: \/events\/2\/fire: lock is listed already/],
    ['a scenario field', { ...good, vms: [] }, /bad\.json: \/vms: unknown field$/],
  ])('%s: one line naming the place, exit 2', async (_what, content, line) => {
    const r = await teeio(['explore', file(content)]);
    expect(r.code).toBe(2);
    expect(r.errLines).toEqual([expect.stringMatching(line)]);
  });
});
