/**
 * The fault sweep (issue 10): its bounded form over every example on every built-in arch, and
 * the sweep's own verdicts on plugins broken on purpose, so a sweep that stopped seeing leaks,
 * unexpected violations or internal errors would fail here.
 */
import { container } from 'tsyringe';
import { beforeAll, describe, expect, it } from 'vitest';
import { MMIO_PORT } from '../../../core/src/ports/tokens.js';
import { type SweepResult, faultPositions, faultSweep } from '../../../core/src/sweep/fault-sweep.js';
import { sweepText } from '../../../core/src/sweep/sweep-text.js';
import { colorsFor } from '../../../core/src/cli/colors.js';
import { ARCHS, allExamples } from '../cross-arch/plugins.js';
import { teeio } from '../cli/in-memory.js';
import { LIFECYCLE, REFERENCE, run, scenario, variant } from './harness.js';
import { MapsIntoAnotherVm, failedConnectKeepsSession, replacing } from './misbehaving-ports.js';

describe('the bounded sweep (every example, every built-in arch, every tenth position)', () => {
  const examples = allExamples();
  let result: SweepResult;
  // About a thousand runs: seconds alone, far more on a shared machine.
  beforeAll(() => {
    result = faultSweep(examples, ARCHS, container, { every: 10 });
  }, 300_000);

  it('finds no unexpected violation, leak or internal error', () => {
    expect(result.problems).toEqual([]);
  });

  it.each(ARCHS.map((p) => p.declaration.arch))('%s: every faulted run fired its injection and ended in 0 or 1', (arch) => {
    const a = result.archs.find((x) => x.arch === arch);
    // Positions come from the fault-free run and a run is deterministic up to the fault: each fires.
    expect(a?.fired).toBe((a?.runs ?? 0) - examples.length);
    expect(a?.fired).toBeGreaterThan(examples.length * 5);
    expect(a?.exits).toEqual({ 0: expect.any(Number), 1: expect.any(Number), 2: 0, 70: 0 });
    expect((a?.exits[0] ?? 0) + (a?.exits[1] ?? 0)).toBe(a?.runs);
  });
});

describe('what the sweep reports', () => {
  const lifecycle = scenario(LIFECYCLE, { name: 'lifecycle' });

  it('a connect that keeps its session when a fault fails it: a leak, named by its fault', () => {
    const r = faultSweep([lifecycle], [variant({}, failedConnectKeepsSession)], container);
    const leaks = r.problems.filter((p) => p.kind === 'leak');
    expect(leaks.length).toBeGreaterThan(0);
    // The fault-free run is clean: every leak comes from a fault, and is named by it.
    expect(leaks.map((p) => p.fault)).not.toContain('none');
    expect(leaks[0]).toMatchObject({ scenario: 'lifecycle', arch: 'devsec', fault: expect.stringMatching(/^(firmware|doe)#\d+$/) });
    expect(leaks[0]?.detail).toMatch(/^invariant 6 \(no-leaks-after-teardown\)/);
    expect(r.archs[0]?.problems.leak).toBe(leaks.length);
  });

  it('as text, each problem names what to replay first and fits the width', () => {
    const r = faultSweep([lifecycle], [variant({}, failedConnectKeepsSession)], container, { every: 5 });
    const text = sweepText(r, { width: 60, colors: colorsFor({ env: {}, color: false }) });
    const lines = text.trimEnd().split('\n');
    expect(lines[1]).toMatch(new RegExp(`^devsec +${r.archs[0]?.runs} +${r.archs[0]?.fired} +`));
    expect(lines).toContain(`lifecycle on devsec, fault ${r.problems[0]?.fault}: leak`);
    expect(lines.at(-1)).toBe(`${r.problems.length} problem(s)`);
    expect(Math.max(...lines.slice(2).map((l) => l.length))).toBeLessThanOrEqual(60);
  });

  it('a violation the scenario does not expect is unexpected, even without a fault', () => {
    const r = faultSweep([lifecycle], [variant({}, replacing('mmio', MapsIntoAnotherVm))], container, { every: 1000 });
    expect(r.problems[0]).toMatchObject({ fault: 'none', kind: 'unexpected violation', detail: expect.stringMatching(/^invariant 2 /) });
  });

  it('the expected invariant, broken only because of a fault, is still a problem', () => {
    // The fault-free run breaks nothing (and so fails its expectation): every leak is the fault's.
    const expectsLeak = scenario(LIFECYCLE, { name: 'lifecycle', expect: { violation: 'no-leaks-after-teardown' } });
    const r = faultSweep([expectsLeak], [variant({}, failedConnectKeepsSession)], container);
    expect(r.archs[0]?.problems.leak).toBeGreaterThan(0);
    expect(r.problems.every((p) => p.kind === 'leak' && p.fault !== 'none')).toBe(true);
  });

  it('the violation the scenario expects is not a problem', () => {
    const expected = scenario(LIFECYCLE, { name: 'lifecycle', expect: { violation: 'private-mmio-only-in-bound-vm' } });
    const r = faultSweep([expected], [variant({}, replacing('mmio', MapsIntoAnotherVm))], container, { every: 1000 });
    expect(r.problems).toEqual([]);
  });

  it('a plugin that throws is an internal error with the exit code teeio run would give', () => {
    // An MMIO port with no methods: the first thing that calls it throws.
    const throwing = variant({}, (c) => c.register(MMIO_PORT, { useValue: {} as never }));
    const r = faultSweep([lifecycle], [throwing], container);
    expect(r.problems).toEqual([expect.objectContaining({ fault: 'none', kind: 'internal error', detail: expect.stringMatching(/^exit 2: plugin teeio-reference-devsec failed at \/vms: /) })]);
    expect(r.archs[0]?.exits).toEqual({ 0: 0, 1: 0, 2: 1, 70: 0 });
  });

  it('a run report counts the calls of each kind (the positions) and names the injections that fired', () => {
    const clean = run(LIFECYCLE);
    expect(clean.faults.counts.firmware).toBe(clean.trace.filter((e) => e.actor === 'firmware').length);
    expect(clean.faults.fired).toEqual([]);
    const faulted = run(LIFECYCLE, REFERENCE, { faults: [{ kind: 'doe', nth: 2 }, { kind: 'alloc', nth: 99 }] });
    expect(faulted.faults.fired).toEqual(['doe#2']);
  });

  it('positions are 1, 1 + n, 1 + 2n … of each kind, up to the fault-free count', () => {
    expect(faultPositions({ firmware: 3, doe: 0, alloc: 25 }, 10)).toEqual([
      { kind: 'firmware', nth: 1 },
      { kind: 'alloc', nth: 1 },
      { kind: 'alloc', nth: 11 },
      { kind: 'alloc', nth: 21 },
    ]);
    expect(faultPositions({ firmware: 2, doe: 1, alloc: 0 })).toEqual([
      { kind: 'firmware', nth: 1 },
      { kind: 'firmware', nth: 2 },
      { kind: 'doe', nth: 1 },
    ]);
  });
});

describe('teeio sweep', () => {
  it('prints a row per arch within 100 columns and exits 0 when nothing is found', async () => {
    const r = await teeio(['sweep', '--arch', 'cca', '--every', '50']);
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[1]).toMatch(/^cca +\d+ +\d+ +\d+\/\d+\/0\/0 +0 +0 +0$/);
    expect(Math.max(...r.out.split('\n').map((l) => l.length))).toBeLessThanOrEqual(100);
  });

  it('--every must be a whole number from 1: one line naming the flag, exit 2', async () => {
    const r = await teeio(['sweep', '--every', '0']);
    expect(r.code).toBe(2);
    expect(r.errLines).toEqual([expect.stringMatching(/^teeio: option '--every <n>' argument '0' is invalid/)]);
  });
});
