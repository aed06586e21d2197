/**
 * `teeio explore` as users run it: bad model files are one line naming the place (exit 2),
 * worker threads give exactly the single-thread result, and a counterexample written with
 * `--out` is a scenario that `teeio run` replays to the same violation, byte for byte.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import { EXPLORE_SCHEMA, type ExploreReport } from '../../../core/src/explore/report.js';
import type { CliIo } from '../../../core/src/cli/io.js';
import { runCli } from '../../../core/src/cli/program.js';
import { teeio } from '../cli/in-memory.js';
import { VF } from '../core/harness.js';
import { ACCEPT, BIND, FLR, UNBIND, VM_DESTROY, modelOf } from './models.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(ROOT, 'core/bin/teeio.js');
const dir = mkdtempSync(join(tmpdir(), 'teeio-explore-'));

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const verdicts = (r: ExploreReport) => r.results.map(({ stats: _s, ...v }) => v);

describe('teeio explore: bad model files', { timeout: 30_000 }, () => {
  const good = modelOf('good', [BIND, UNBIND]);
  it.each([
    ['not JSON', '{"name": "x",\n  "events": [}', /^teeio: .*bad\.json:2:14: not JSON/],
    ['an unknown event', { ...good, events: [{ action: { event: 'meteor', tdi: VF } }] }, /^teeio: .*bad\.json: \/events\/0\/action\/event: must be one of /],
    ['a bound of zero', { ...good, events: [{ action: BIND, max: 0 }] }, /^teeio: .*bad\.json: \/events\/0\/max: must be >= 1$/],
    ['an unknown invariant', { ...good, invariants: ['be-nice'] }, /^teeio: .*bad\.json: \/invariants\/0: must be one of "host-cannot-touch-private-mmio", /],
    ['an event on an unassigned TDI', { ...good, events: [{ action: { flow: 'bind', tdi: '0000:01:00.0' } }] }, /^teeio: .*bad\.json: \/events\/0\/action\/tdi: 0000:01:00\.0 is not assigned to a VM in \/assign$/],
    ['init on an unknown VM', { ...good, init: [{ flow: 'vmDestroy', vm: 'vm9' }] }, /^teeio: .*bad\.json: \/init\/0\/vm: no VM 'vm9' in \/vms$/],
    ['no events', { ...good, events: [] }, /^teeio: .*bad\.json: \/events: must NOT have fewer than 1 items$/],
    ['an event that is neither', { ...good, events: [{ max: 1 }] }, /^teeio: .*bad\.json: \/events\/0: needs one of the fields action, oneOf$/],
    ['a group of one', { ...good, events: [{ oneOf: [BIND] }] }, /^teeio: .*bad\.json: \/events\/0\/oneOf: must NOT have fewer than 2 items$/],
    ['an unknown event in a group', { ...good, events: [{ oneOf: [BIND, { event: 'meteor', tdi: VF }] }] }, /^teeio: .*bad\.json: \/events\/0\/oneOf\/1\/event: must be one of /],
    ['a group on an unassigned TDI', { ...good, events: [{ action: BIND }, { oneOf: [UNBIND, { flow: 'bind', tdi: '0000:01:00.0' }] }] }, /^teeio: .*bad\.json: \/events\/1\/oneOf\/1\/tdi: 0000:01:00\.0 is not assigned to a VM in \/assign$/],
    ['a group bound of zero', { ...good, events: [{ oneOf: [BIND, UNBIND], max: 0 }] }, /^teeio: .*bad\.json: \/events\/0\/max: must be >= 1$/],
  ])('%s: one line, exit 2', async (_what, content, line) => {
    const r = await teeio(['explore', '--arch', 'tdx', file('bad.json', content)]);
    expect(r.code).toBe(2);
    expect(r.errLines).toHaveLength(1);
    expect(r.errLines[0]).toMatch(line);
    expect(r.out).toBe('');
  });

  it('a bad --workers is a usage error naming the flag', async () => {
    const r = await teeio(['explore', '--arch', 'tdx', '--workers', '0', file('good.json', good)]);
    expect(r.code).toBe(2);
    expect(r.errLines).toEqual([expect.stringMatching(/--workers <n>.*'0' is not a positive integer/)]);
  });
});

describe('teeio explore on a built-in arch', () => {
  const model = file('lifecycle.json', modelOf('lifecycle', [BIND, ACCEPT, FLR, UNBIND, { flow: 'vfioClose', tdi: VF }, VM_DESTROY, { event: 'bme-clear', tdi: VF }]));

  it('worker threads find exactly what one thread finds', async () => {
    const one = await teeio(['explore', '--arch', 'tdx', '--arch', 'cca', '--format', 'json', model]);
    const three = await teeio(['explore', '--arch', 'tdx', '--arch', 'cca', '--format', 'json', '--workers', '3', model]);
    expect(three.err).toBe('');
    expect(three.code).toBe(one.code);
    const [a, b] = [JSON.parse(one.out) as ExploreReport, JSON.parse(three.out) as ExploreReport];
    expect(verdicts(b)).toEqual(verdicts(a));
    expect(b.reach).toEqual(a.reach);
    const valid = new Ajv({ strict: true, allErrors: true }).compile(EXPLORE_SCHEMA);
    expect(valid(a), JSON.stringify(valid.errors)).toBe(true);
    expect(b.results.map((r) => r.stats.workers)).toEqual([3, 3]);
    expect(a.results.every((r) => r.complete && r.states > 50)).toBe(true);
  }, 300_000);

  it.each([
    ['lifecycle', model],
    // A group's counterexample names the action that fired, not the group.
    ['grouped', file('grouped.json', modelOf('grouped', [BIND, ACCEPT, { oneOf: [FLR, UNBIND, { flow: 'vfioClose', tdi: VF }, { event: 'bme-clear', tdi: VF }] }, VM_DESTROY]))],
  ])('--out writes each counterexample of %s; teeio run replays it to the same violation, byte-identically', async (name, model) => {
    const out = join(dir, `cex-${name}`);
    const r = await teeio(['explore', '--arch', 'tdx', '--format', 'json', '--out', out, model]);
    const report = JSON.parse(r.out) as ExploreReport;
    const found = report.results[0]?.violations ?? [];
    expect(found.length).toBeGreaterThan(0);
    expect(r.code).toBe(1);
    const deadlock = report.results[0]?.deadlock ? [`${name}-tdx-deadlock.json`] : [];
    expect(readdirSync(out).sort()).toEqual([...found.map((v) => `${name}-tdx-${v.invariant}.json`), ...deadlock].sort());
    for (const v of found) {
      expect(v.trace.every((a) => !('oneOf' in a))).toBe(true);
      const scenario = join(out, `${name}-tdx-${v.invariant}.json`);
      const replay = () => spawnSync(process.execPath, [BIN, 'run', '--arch', 'tdx', '--format', 'json', scenario], { encoding: 'utf8' });
      const first = replay();
      expect(first.status).toBe(0);
      const run = JSON.parse(first.stdout) as { reports: { violations: { invariant: string; step: string; message: string }[] }[] };
      expect(run.reports[0]?.violations[0]).toMatchObject({ invariant: v.invariant, step: v.step, message: v.message });
      expect(replay().stdout).toBe(first.stdout);
      expect(JSON.parse(readFileSync(scenario, 'utf8')).steps).toHaveLength(2 + v.depth);
    }
  }, 120_000);
});

describe('teeio explore output', () => {
  const model = file('short.json', modelOf('short', [BIND, ACCEPT, FLR, UNBIND, VM_DESTROY]));

  it('prints each arch, then the cross-arch table, within 100 columns', async () => {
    const r = await teeio(['explore', '--arch', 'tdx', '--arch', 'cca', model]);
    const lines = r.out.trimEnd().split('\n');
    expect(lines.filter((l) => l.length > 100)).toEqual([]);
    const header = lines.findIndex((l) => l.startsWith('reachable under short'));
    expect(lines[header]).toMatch(/ tdx +cca$/);
    // Every invariant has a row, reached or not: eight rows right under the header, in PRODUCT.md's order.
    expect(lines.slice(header + 1, header + 9).map((l) => l.split(/ +/)[0])).toEqual(
      ['host-cannot-touch-private-mmio', 'private-mmio-only-in-bound-vm', 't1-dma-only-when-run-and-enabled', 'accept-only-verified-fresh-evidence', 'no-fatal-firmware-error', 'no-leaks-after-teardown', 'no-stale-mapping-after-reset', 'vm-destroyed-after-unbind'],
    );
  }, 120_000);

  it('draws the progress line on stderr only when stderr is a terminal', async () => {
    let err = '';
    const io: CliIo = { out: () => undefined, err: (t) => void (err += t), env: { NO_COLOR: '1' }, cwd: ROOT, stderrIsTTY: true };
    await runCli(['explore', '--arch', 'tdx', model], io);
    const ERASE = '\r\x1b[K';
    expect(err.startsWith(ERASE)).toBe(true);
    expect(err.split(ERASE)[1]).toMatch(/^states \d+ {2}\d+\/s {2}depth \d+ {2}queue \d+$/);
    expect(err.endsWith(ERASE)).toBe(true);
    expect((await teeio(['explore', '--arch', 'tdx', model])).err).toBe('');
  }, 120_000);
});
