/**
 * The scenario fuzzer (issue 10): structured mutations of the examples, each run in process as
 * `teeio run --arch ARCH -` runs a scenario from standard input (parse, check against the schema
 * and the platform, run on a built-in arch, render). Whatever the text holds, teeio ends in 0, 1
 * or 2 — never in an internal error (70), never with a stack trace — and bad input is one line
 * naming the input (`<stdin>`) and where in it.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EXAMPLES } from '../cross-arch/plugins.js';
import { teeio } from './in-memory.js';
import { type FuzzCase, type Json, caseText, fuzzCase } from './scenario-mutations.js';

const ARCHS = ['tdx', 'sev-tio', 'cca'] as const;
const examples: Json[] = readdirSync(EXAMPLES)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(EXAMPLES, f), 'utf8')) as Json);

/** A V8 stack frame line, as an uncaught error prints it. */
const STACK_FRAME = /^\s+at .+(:\d+:\d+\)?|<anonymous>\)?)$/m;

async function check(c: FuzzCase): Promise<void> {
  const r = await teeio(['run', '--arch', ARCHS[c.arch] ?? 'tdx', '-'], undefined, { stdin: caseText(examples, c) });
  expect(r.err).not.toMatch(/internal error/);
  expect(`${r.out}\n${r.err}`).not.toMatch(STACK_FRAME);
  expect([0, 1, 2]).toContain(r.code);
  // Bad input is one line that names the file and where in it; a built-in plugin never fails.
  if (r.code === 2) {
    expect(r.errLines).toHaveLength(1);
    expect(r.err.startsWith('teeio: <stdin>:'), r.err).toBe(true);
  } else expect(r.err).toBe('');
  expect(r.err).not.toMatch(/: plugin \S+ failed at /);
}

/** 10,000 cases in four seeded batches, so a failure names a smaller haystack. */
const BATCHES = [20260101, 20260102, 20260103, 20260104];

describe('the scenario fuzzer', () => {
  it.each(BATCHES)('2,500 mutated examples (seed %i) end in 0, 1 or 2, one line for bad input, no stack', async (seed) => {
    await fc.assert(fc.asyncProperty(fuzzCase, check), { seed, numRuns: 2_500 });
  }, 600_000);
});
