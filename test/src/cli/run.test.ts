/**
 * `teeio run` on the reference plugin: exit codes (0 every expectation holds, 1 one fails,
 * 2 bad input with one stderr line naming the file and the JSON pointer), the JSON report's
 * shape, the Mermaid diagram's participants, --seed, every example, and the built binary.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { toMermaid } from '../../../core/src/report/mermaid.js';
import type { RunReport } from '../../../core/src/scenario/run.js';
import { LIFECYCLE, run, variant } from '../core/harness.js';
import { teeio } from './in-memory.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PLUGIN = ['--plugin', 'test/src/reference-plugin/index.ts'];
const LIFECYCLE_JSON = JSON.parse(readFileSync(join(ROOT, 'examples/lifecycle.json'), 'utf8')) as Json;

/** A scenario as JSON, to change freely: the tests make it wrong on purpose. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** A scenario file in a fresh directory: the lifecycle example changed by `change`. */
function scenarioFile(change: (s: Json) => void, text?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'teeio-run-'));
  const file = join(dir, 'scenario.json');
  const s = structuredClone(LIFECYCLE_JSON);
  change(s);
  writeFileSync(file, text ?? JSON.stringify(s, null, 2));
  return file;
}

const teeioRun = (file: string, ...more: string[]) => teeio(['run', ...PLUGIN, file, ...more], ROOT);

/** The only report of a `--format json` run on one plugin. */
function reportOf(out: string): RunReport {
  const { reports } = JSON.parse(out) as { reports: RunReport[] };
  expect(reports).toHaveLength(1);
  return reports[0] as RunReport;
}

describe('teeio run exit codes', () => {
  it('exits 0 when every expectation holds, with nothing on stderr', async () => {
    const r = await teeioRun('examples/lifecycle.json');
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toMatch(/^lifecycle on devsec \(devsec TSM, teeio-reference-devsec\), seed 1\n/);
    expect(r.out).toContain('invariants: no violation');
    expect(r.out.trimEnd().endsWith('outcome: pass')).toBe(true);
  });

  it('exits 1 when an expectation fails, and shows which', async () => {
    const file = scenarioFile((s) => (s['expect'].tdi['0000:01:00.1'].state = 'RUN'));
    const r = await teeioRun(file);
    expect([r.code, r.err]).toEqual([1, '']);
    expect(r.out).toContain('✗ 0000:01:00.1 TDISP state: expected RUN, got CONFIG_UNLOCKED');
    expect(r.out.trimEnd().endsWith('outcome: fail')).toBe(true);
  });

  it('exits 1 when an invariant breaks that the scenario did not expect', async () => {
    // The TDI is unbound while its private MMIO is still mapped.
    const file = scenarioFile((s) => (s['steps'] as unknown[]).splice(3, 0, { step: 'tsm.unbind', tdi: '0000:01:00.1' }));
    const r = await teeioRun(file, '--format', 'json');
    expect(r.code).toBe(1);
    const report = reportOf(r.out);
    expect(report.violations.map((v) => [v.invariant, v.step])).toEqual([['private-mmio-only-in-bound-vm', 'tsm.unbind']]);
    expect(report.outcome).toBe('fail');
  });

  const bad: [string, (s: Json) => void, string | undefined, RegExp][] = [
    ['an unknown field', (s) => (s.extra = 1), undefined, /: \/extra: unknown field$/],
    ['an unknown field in an action', (s) => (s.steps[0].extra = 1), undefined, /: \/steps\/0\/extra: unknown field$/],
    ['an action that is no flow, step, event or use', (s) => (s.steps[1] = { tdi: '0000:01:00.1' }), undefined, /: \/steps\/1: needs one of the fields flow, step, event, use$/],
    ['a wrong type', (s) => (s.vms = 'vm0'), undefined, /: \/vms: must be array$/],
    ['a bad BDF', (s) => (s.assign[0].tdi = '0000:01:00.9'), undefined, /: \/assign\/0\/tdi: must match pattern /],
    ['an assignment to a VM not in /vms', (s) => (s.assign[0].vm = 'vm9'), undefined, /: \/assign\/0\/vm: no VM 'vm9' in \/vms$/],
    ['a step on an unassigned TDI', (s) => (s.steps[2].tdi = '0000:01:00.0'), undefined, /: \/steps\/2\/tdi: 0000:01:00\.0 is not assigned to a VM in \/assign$/],
    ['an unknown flow', (s) => (s.steps[1].flow = 'attach'), undefined, /: \/steps\/1\/flow: must be one of "connect", /],
    ['an expectation on a function that is no TDI', (s) => (s.expect = { tdi: { 'ffff:ff:1f.7': { state: 'RUN' } } }), undefined, /: \/expect\/tdi\/ffff:ff:1f\.7: ffff:ff:1f\.7 is not assigned to a VM in \/assign$/],
    ['an expectation on the DSM', (s) => (s.expectByArch = { x: { tdi: { '0000:01:00.0': { bound: false } } } }), undefined, /: \/expectByArch\/x\/tdi\/0000:01:00\.0: 0000:01:00\.0 is not assigned /],
    ['an expectation on a VM not in /vms', (s) => (s.expect = { vm: { vm9: { phase: 'running' } } }), undefined, /: \/expect\/vm\/vm9: no VM 'vm9' in \/vms$/],
    ['a step without its subject', (s) => delete s.steps[1].tdi, undefined, /: \/steps\/1: flow createVpci needs a tdi$/],
  ];

  it.each(bad)('exits 2 for %s, with one stderr line naming the file and the JSON pointer', async (_what, change, text, line) => {
    const file = scenarioFile(change, text);
    const r = await teeioRun(file);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.errLines).toHaveLength(1);
    expect(r.errLines[0]?.startsWith(`teeio: ${file}: /`)).toBe(true);
    expect(r.errLines[0]).toMatch(line);
  });

  it.each([
    ['NaN, which JSON does not have', '{\n  "name": "x",\n  "seed": NaN\n}', '3:11: not JSON: unexpected "N"'],
    ['a file that ends early', '{"name": "x",', '1:14: not JSON: unexpected end of input'],
    ['a trailing comma', '{\n"vms": ["vm0",]}', '2:15: not JSON: unexpected "]"'],
  ])('exits 2 for %s, with one line naming file:LINE:COL', async (_what, text, where) => {
    const file = scenarioFile(() => undefined, text);
    const r = await teeioRun(file);
    expect([r.code, r.out, r.errLines]).toEqual([2, '', [`teeio: ${file}:${where}`]]);
  });

  it.each(['tdx', 'sev-tio'])('ends an out-of-order scenario on %s in a failed step, not an internal error', async (arch) => {
    const example = JSON.parse(readFileSync(join(ROOT, 'examples/sev-tio-vm-destroy-while-bound.json'), 'utf8')) as Json;
    const by = new Map((example.steps as Json[]).map((st) => [st.flow ?? st.step, st]));
    const order = ['iommufd.viommu-destroy', 'connect', 'vfio.close', 'accept', 'bind', 'vm.destroy', 'createVpci'];
    const file = scenarioFile((s) => Object.assign(s, example, { steps: order.map((k) => by.get(k)) }));
    const r = await teeio(['run', '--arch', arch, file], ROOT);
    expect([r.code, r.errLines]).toEqual([1, []]);
  });

  it('refuses a VFIO reset after a failed revoke on sev-tio instead of leaving the private mapping (invariant 7)', async () => {
    // The 49th firmware call is the RMPUPDATE of vfio.revoke-mmio; SEV_RET_RESOURCE_LIMIT leaves KVM's private mapping.
    const example = JSON.parse(readFileSync(join(ROOT, 'examples/tdx-flr-zap-before-unbind.json'), 'utf8')) as Json;
    const file = scenarioFile((s) => Object.assign(s, example, { faults: [{ kind: 'firmware', nth: 49 }] }));
    const r = await teeio(['run', '--arch', 'sev-tio', file, '--format', 'json'], ROOT);
    const report = reportOf(r.out);
    const result = (step: string) => report.steps.find((x) => x.step === step)?.result;
    expect([result('vfio.revoke-mmio'), result('pci.flr'), report.violations]).toEqual(['SEV_RET_RESOURCE_LIMIT', '-EBUSY', []]);
  });

  it('exits 2 for a missing file, naming it', async () => {
    const r = await teeioRun('examples/nope.json');
    expect([r.code, r.errLines]).toEqual([2, ['teeio: examples/nope.json: /: cannot read: ENOENT']]);
  });

  it('exits 2 for a refused plugin, before running anything', async () => {
    const r = await teeio(['run', '--plugin', 'test/src/fixtures/plugins/invalid-declaration.js', 'examples/lifecycle.json'], ROOT);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.errLines).toEqual([expect.stringMatching(/^teeio: plugin test\/src\/fixtures\/plugins\/invalid-declaration\.js: declaration \/plans\/bind\/0\/step: /)]);
  });
});

describe('teeio run --format json', () => {
  it('prints the report: arch, scenario, outcome, trace, violations and expectations', async () => {
    const r = await teeioRun('examples/lifecycle.json', '--format', 'json');
    expect(r.code).toBe(0);
    expect(r.out.endsWith('}\n')).toBe(true);
    const report = reportOf(r.out);
    expect(report).toMatchObject({ arch: 'devsec', plugin: 'teeio-reference-devsec', firmware: 'devsec TSM', scenario: 'lifecycle', seed: '1', outcome: 'pass', violations: [] });
    expect(report.trace.map((e) => e.seq)).toEqual(report.trace.map((_, i) => i + 1));
    for (const e of report.trace) {
      expect(e).toEqual(expect.objectContaining({ seq: expect.any(Number), actor: expect.any(String), op: expect.any(String), result: expect.any(String) }));
      expect(e.result).not.toBe('pending');
    }
    expect(report.trace.find((e) => e.op === 'DEVSEC.BIND')).toMatchObject({ actor: 'firmware', caller: 'iommufd', step: 'bind/tsm.bind', result: 'ok' });
    expect(report.expectations.length).toBeGreaterThan(5);
    for (const x of report.expectations) expect(x).toEqual({ what: expect.any(String), expected: expect.any(String), actual: expect.any(String), ok: true });
    expect(report.stateHash).toMatch(/^[0-9a-f]+$/);
  });

  it('reports a violation with its invariant, step and message', async () => {
    const file = scenarioFile((s) => {
      (s['steps'] as unknown[]).splice(3, 0, { step: 'tsm.unbind', tdi: '0000:01:00.1' });
      s['expect'] = { violation: 'private-mmio-only-in-bound-vm' };
    });
    const r = await teeioRun(file, '--format', 'json');
    expect(r.code).toBe(0);
    const [v] = reportOf(r.out).violations;
    expect(v).toMatchObject({ invariant: 'private-mmio-only-in-bound-vm', number: 2, step: 'tsm.unbind', message: expect.stringMatching(/is mapped into vm0, but the TDI is not bound$/), objects: ['0000:01:00.1', 'vm0'] });
  });

  it('--seed changes the seed, and with it the state hash but not the steps', async () => {
    const a = reportOf((await teeioRun('examples/lifecycle.json', '--format', 'json')).out);
    const b = reportOf((await teeioRun('examples/lifecycle.json', '--format', 'json', '--seed', '42')).out);
    expect([a.seed, b.seed]).toEqual(['1', '42']);
    expect(b.stateHash).not.toBe(a.stateHash);
    expect(b.steps).toEqual(a.steps);
    const again = reportOf((await teeioRun('examples/lifecycle.json', '--format', 'json', '--seed', '42')).out);
    expect(again).toEqual(b);
  });

  it.each(['abc', '-1', '1.5', '0x10', '01', '9007199254740992'])('--seed %s is a one-line usage error naming the flag (exit 2)', async (seed) => {
    const r = await teeioRun('examples/lifecycle.json', '--seed', seed);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(new RegExp(`^teeio: option '--seed <n>' argument '${seed.replace('.', '\\.')}' is invalid\\. .*\\(see teeio run --help\\)\\n$`));
  });
});

/** The ids and labels a Mermaid sequenceDiagram declares, and every id its lines use. */
function participants(diagram: string): { declared: Map<string, string>; used: Set<string> } {
  const declared = new Map<string, string>();
  const used = new Set<string>();
  for (const line of diagram.split('\n').map((l) => l.trim())) {
    const p = /^participant (\S+)(?: as (.+))?$/.exec(line);
    if (p) declared.set(p[1] as string, p[2] ?? (p[1] as string));
    const arrow = /^(\S+?)(?:->>|-->>)(\S+?):/.exec(line);
    if (arrow) [arrow[1], arrow[2]].forEach((id) => used.add(id as string));
    const note = /^Note (?:over|right of|left of) ([^:]+):/.exec(line);
    if (note) for (const id of (note[1] as string).split(',')) used.add(id.trim());
  }
  return { declared, used };
}

describe('teeio run --format mermaid', () => {
  it('is a sequenceDiagram whose participants are exactly the guest, the VMM, the kernel subsystems, the firmware and the device', async () => {
    const r = await teeioRun('examples/lifecycle.json', '--format', 'mermaid');
    expect(r.code).toBe(0);
    expect(r.out.split('\n').slice(0, 4)).toEqual(['# lifecycle', '', '## devsec', '']);
    expect(r.out).toContain('\n```mermaid\n---\ntitle: "lifecycle on devsec: pass"\n---\nsequenceDiagram\n');
    const { declared, used } = participants(r.out);
    expect([...declared.values()]).toEqual(['guest', 'VMM', 'KVM', 'VFIO', 'iommufd', 'PCI', 'TSM core', 'devsec TSM', 'device']);
    // Mermaid would silently add a participant for any other id a line used.
    expect([...used].filter((id) => !declared.has(id))).toEqual([]);
    expect(r.out).toContain('iommufd->>FW: DEVSEC.BIND');
    expect(r.out).toContain('FW->>DEV: LOCK_INTERFACE_REQUEST');
  });

  it('names the firmware after the plugin, its `;` and `#` as Mermaid entities', () => {
    const report = run(LIFECYCLE, variant({ firmwareName: 'TDX module; #1' }));
    const { declared } = participants(toMermaid(report));
    expect(declared.get('FW')).toBe('TDX module#59; #35;1');
  });

  it('draws a violation as a note over every participant', () => {
    const report = run(LIFECYCLE.slice(0, 3), variant({ plans: { bind: [{ step: 'tsm.bind' }] } }));
    expect(toMermaid(report)).toContain('Note over guest,DEV: invariant 1 broken after bind/tsm.bind: ');
  });
});

describe('every example', () => {
  const examples = readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.json'));

  it('there are examples', () => expect(examples.length).toBeGreaterThanOrEqual(8));

  it.each(examples)('%s passes on the reference plugin (exit 0)', async (example) => {
    const r = await teeioRun(`examples/${example}`, '--format', 'json');
    const report = r.code === 0 ? undefined : reportOf(r.out);
    expect([r.code, r.err, report?.expectations?.filter((x) => !x.ok)]).toEqual([0, '', undefined]);
  });
});

describe('the teeio binary', () => {
  it('runs the lifecycle example on the reference plugin and prints the JSON report (exit 0)', async () => {
    // `npm test` builds dist/ first (tsc -b); on a tree never built, the binary runs the source.
    const r = spawnSync(process.execPath, ['core/bin/teeio.js', 'run', ...PLUGIN, 'examples/lifecycle.json', '--format', 'json'], { cwd: ROOT, encoding: 'utf8' });
    expect([r.status, r.stderr]).toEqual([0, '']);
    const report = reportOf(r.stdout);
    expect([report.arch, report.scenario, report.outcome, report.violations]).toEqual(['devsec', 'lifecycle', 'pass', []]);
    // The binary and the in-process run agree byte for byte.
    expect(r.stdout, 'core/dist may be stale: run npx tsc -b').toBe((await teeioRun('examples/lifecycle.json', '--format', 'json')).out);
  }, 60_000);
});

/** What `teeio run --format json` prints: one document, one report per plugin, in load order. */
interface RunDocument {
  readonly scenario: string;
  readonly reports: readonly RunReport[];
}

describe('teeio run on several plugins', () => {
  const ARCHS = ['--arch', 'tdx', '--arch', 'sev-tio'];

  it('--format json prints ONE JSON document with one report per arch', async () => {
    const r = await teeio(['run', ...ARCHS, 'examples/lifecycle.json', '--format', 'json'], ROOT);
    expect([r.code, r.err]).toEqual([0, '']);
    const doc = JSON.parse(r.out) as RunDocument;
    expect(doc.scenario).toBe('lifecycle');
    expect(doc.reports.map((x) => [x.arch, x.scenario, x.outcome])).toEqual([
      ['tdx', 'lifecycle', 'pass'],
      ['sev-tio', 'lifecycle', 'pass'],
    ]);
  });

  it('--format jsonl prints the same reports, one per line', async () => {
    const json = JSON.parse((await teeio(['run', ...ARCHS, 'examples/lifecycle.json', '--format', 'json'], ROOT)).out) as RunDocument;
    const r = await teeio(['run', ...ARCHS, 'examples/lifecycle.json', '--format', 'jsonl'], ROOT);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out.endsWith('}\n')).toBe(true);
    expect(r.out.trimEnd().split('\n').map((l) => JSON.parse(l) as RunReport)).toEqual(json.reports);
  });
});

describe('teeio run - (the scenario on standard input)', () => {
  // Through the built binary: only a child process has a standard input to pipe into.
  const runStdin = (input: string) =>
    spawnSync(process.execPath, ['core/bin/teeio.js', 'run', ...PLUGIN, '-', '--format', 'json'], { cwd: ROOT, encoding: 'utf8', input });

  it('runs the scenario it reads, as from the file', async () => {
    const r = runStdin(readFileSync(join(ROOT, 'examples/lifecycle.json'), 'utf8'));
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(r.stdout, 'core/dist may be stale: run npx tsc -b').toBe((await teeioRun('examples/lifecycle.json', '--format', 'json')).out);
  }, 60_000);

  it.each([
    ['text that is not JSON', '{\n  "name": "x",\n  "seed": NaN\n}', 'teeio: <stdin>:3:11: not JSON: unexpected "N"'],
    ['a scenario the schema refuses', JSON.stringify({ ...LIFECYCLE_JSON, extra: 1 }), 'teeio: <stdin>: /extra: unknown field'],
    ['a step without its subject', JSON.stringify({ ...LIFECYCLE_JSON, steps: [{ flow: 'connect' }] }), 'teeio: <stdin>: /steps/0: flow connect needs a dsm (or a tdi)'],
  ])('names %s <stdin> in one line (exit 2)', (_what, input, line) => {
    const r = runStdin(input);
    expect([r.status, r.stdout, r.stderr]).toEqual([2, '', `${line}\n`]);
  }, 60_000);
});
