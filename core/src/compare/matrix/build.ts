import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { container } from 'tsyringe';
import type { LoadedPlugin } from '../../plugin/loaded-plugin.js';
import { loadScenario } from '../../scenario/load.js';
import { type RunReport, runScenario } from '../../scenario/run.js';
import type { Scenario } from '../../scenario/scenario.js';
import { type Matrix, MatrixGapError } from './matrix.js';
import { QUESTIONS, type Question } from './questions.js';
import { ArchRuns } from './runs.js';

/** The example scenarios of a directory, in file-name order. */
export const examplesIn = (dir: string): Scenario[] =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => loadScenario(join(dir, f)));

/** An example speaks for `arch` when it is arch-neutral (no arch prefix) or states that arch's outcome. */
const speaksFor = (s: Scenario, arch: string, archs: readonly string[]): boolean =>
  !archs.some((a) => s.name.startsWith(`${a}-`)) || s.name.startsWith(`${arch}-`) || s.expectByArch?.[arch] !== undefined;

/** Runs the examples on one plugin. */
export function archRuns(plugin: LoadedPlugin, examples: readonly Scenario[], archs: readonly string[]): ArchRuns {
  const { arch, semantics } = plugin.declaration;
  const reports = new Map<string, RunReport>();
  for (const s of examples.filter((x) => speaksFor(x, arch, archs))) reports.set(s.name, runScenario(s, plugin, container, { stateHash: false }));
  const policy = (name: string): string => examples.find((s) => s.name === name)?.flrPolicy ?? semantics.flrPolicy;
  return new ArchRuns(arch, policy, reports);
}

/** Fills the matrix from each arch's runs; a question an arch's runs do not answer throws `MatrixGapError`. */
export function matrixOf(runs: readonly ArchRuns[], questions: readonly Question[] = QUESTIONS): Matrix {
  return {
    archs: runs.map((r) => r.arch),
    rows: questions.map((q) => ({
      id: q.id,
      question: q.question,
      cells: runs.map((r) => {
        const cell = q.derive(r);
        if (!cell) throw new MatrixGapError(q.id, r.arch);
        return cell;
      }),
    })),
  };
}

/** Runs the examples on every plugin and fills the matrix. */
export function behaviourMatrix(plugins: readonly LoadedPlugin[], examples: readonly Scenario[]): Matrix {
  const archs = plugins.map((p) => p.declaration.arch);
  return matrixOf(plugins.map((p) => archRuns(p, examples, archs)));
}
