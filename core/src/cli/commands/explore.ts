import { Command, InvalidArgumentError, Option } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { container } from 'tsyringe';
import { counterexample, deadlockScenario } from '../../explore/counterexample.js';
import type { DeviceExploreModel } from '../../explore/device-model.js';
import { explore, exploreDevice } from '../../explore/explore.js';
import { type AnyExploreModel, isDeviceModel, loadAnyModel } from '../../explore/load-model.js';
import type { ExploreModel } from '../../explore/model.js';
import { exploreReport } from '../../explore/report.js';
import { exploreText } from '../../explore/render-text.js';
import type { ExploreResult, TraceStep } from '../../explore/result.js';
import type { SearchProgress } from '../../explore/search.js';
import { parallelLevels } from '../../explore/parallel.js';
import { BUILTIN_ARCHES, type BuiltinArch, isBuiltinArch } from '../../plugin/builtins.js';
import type { LoadedPlugin } from '../../plugin/loaded-plugin.js';
import type { PluginSpecifier } from '../../plugin/specifier.js';
import { ScenarioError } from '../../scenario/load.js';
import type { Scenario } from '../../scenario/scenario.js';
import { colorsFor } from '../colors.js';
import { CliError, ExitCode } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { type PluginOptions, loadRequestFrom } from '../plugin-options.js';
import type { CommandGroup } from '../program.js';
import { loadForRun, runGuarded, terminalWidth } from './run-inputs.js';

interface ExploreOptions extends PluginOptions {
  readonly workers: number;
  readonly maxStates?: number;
  readonly reduction: boolean;
  readonly format: 'text' | 'json';
  readonly out?: string;
}

function positive(text: string): number {
  if (!/^[1-9][0-9]*$/.test(text) || !Number.isSafeInteger(Number(text))) throw new InvalidArgumentError(`'${text}' is not a positive integer.`);
  return Number(text);
}

/** `--arch ID|all` (repeatable): `all` is every built-in arch. */
function collectArch(value: string, previous: readonly BuiltinArch[] = []): BuiltinArch[] {
  if (value === 'all') return [...previous, ...BUILTIN_ARCHES];
  if (!isBuiltinArch(value)) throw new InvalidArgumentError(`Allowed choices are ${BUILTIN_ARCHES.join(', ')}, all.`);
  return [...previous, value];
}

function modelFrom(file: string, io: CliIo): AnyExploreModel {
  try {
    return loadAnyModel(resolve(io.cwd, file));
  } catch (e) {
    if (e instanceof ScenarioError) throw new CliError(e.describeAs(file));
    throw e;
  }
}

/** The progress line on a terminal (stderr): states, states/s, depth, queue; erased at the end. */
function progressLine(io: CliIo): { onProgress?: (p: SearchProgress) => void; done: () => void } {
  if (io.stderrIsTTY !== true) return { done: () => undefined };
  const started = process.hrtime.bigint();
  return {
    onProgress: (p) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      io.err(`\r\x1b[Kstates ${p.states}  ${Math.round(p.states / Math.max(seconds, 1e-3))}/s  depth ${p.depth}  queue ${p.queue}`);
    },
    done: () => io.err('\r\x1b[K'),
  };
}

/** Writes each counterexample (and the shortest deadlock) as a scenario file in `dir`. */
function writeCounterexamples(dir: string, model: ExploreModel, results: readonly ExploreResult[]): void {
  mkdirSync(dir, { recursive: true });
  const write = (s: Scenario) => writeFileSync(join(dir, `${s.name}.json`), `${JSON.stringify(s, null, 2)}\n`);
  for (const r of results) {
    r.violations.forEach((v) => write(counterexample(model, r.arch, v)));
    if (r.deadlock) write(deadlockScenario(model, r.arch, r.deadlock));
  }
}

/** The specifier `plugin` was loaded from, for worker threads to load it the same way. */
function specifierOf(plugin: LoadedPlugin, opts: ExploreOptions, io: CliIo): PluginSpecifier {
  const s = loadRequestFrom(opts, io).plugins.find((x) => x.given === plugin.specifier);
  if (!s) throw new Error(`no specifier for the loaded plugin ${plugin.specifier}`);
  return s;
}

async function exploreOne(model: ExploreModel, plugin: LoadedPlugin, opts: ExploreOptions, io: CliIo): Promise<ExploreResult> {
  const progress = progressLine(io);
  try {
    return await explore(model, plugin, container, {
      ...searchOptions(opts, progress.onProgress),
      ...(opts.workers > 1 ? { expander: parallelLevels(model, specifierOf(plugin, opts, io), opts.workers, opts.reduction) } : {}),
    });
  } finally {
    progress.done();
  }
}

/** The search options every model kind takes from the command line, with the progress line. */
function searchOptions(opts: ExploreOptions, onProgress: ((p: SearchProgress) => void) | undefined) {
  return {
    reduction: opts.reduction,
    workers: opts.workers,
    ...(opts.maxStates === undefined ? {} : { maxStates: opts.maxStates }),
    ...(onProgress ? { onProgress } : {}),
  };
}

/**
 * A device model runs on the simulated device alone: an arch or plugin would be ignored, so
 * naming one is refused; its traces are TDI events, not a scenario `teeio run` could replay,
 * so --out is refused too (the traces are in the report).
 */
async function exploreDeviceModel(file: string, model: DeviceExploreModel, opts: ExploreOptions, io: CliIo): Promise<ExploreResult<TraceStep>> {
  const flag = opts.arch ? '--arch' : opts.plugin ? '--plugin' : opts.config !== undefined ? '--config' : opts.out !== undefined ? '--out' : undefined;
  if (flag === '--out') throw new CliError(`--out: ${file} is a device model ("world": "device"); its traces are TDI events, in the report, not scenarios to replay`);
  if (flag) throw new CliError(`${flag}: ${file} is a device model ("world": "device"): it runs on the simulated device under its "host" rules, not on an arch`);
  const progress = progressLine(io);
  try {
    return await exploreDevice(model, {
      ...searchOptions(opts, progress.onProgress),
      ...(opts.workers > 1 ? { expander: parallelLevels(model, undefined, opts.workers, opts.reduction) } : {}),
    });
  } finally {
    progress.done();
  }
}

/** `runGuarded` for async work: a plugin that throws is bad input named by the model's step. */
async function guarded<T>(file: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    return runGuarded(file, () => {
      throw e;
    });
  }
}

/** Prints the report; exit 1 when an invariant breaks or a state deadlocks. */
function finish(model: string, results: readonly ExploreResult<TraceStep>[], opts: ExploreOptions, io: CliIo, done: (code: ExitCode) => void): void {
  const report = exploreReport(model, results);
  io.out(opts.format === 'json' ? `${JSON.stringify(report)}\n` : exploreText(report, { width: terminalWidth(io), colors: colorsFor(io) }));
  done(results.some((r) => r.violations.length > 0 || r.deadlock) ? ExitCode.FAILED : ExitCode.OK);
}

/**
 * `teeio explore`: every order of a model's events on each selected arch, breadth first. Exit 0
 * when nothing is violated, 1 when an invariant breaks or a state deadlocks, 2 for bad input.
 */
export const exploreCommand: CommandGroup = (io: CliIo, done) =>
  new Command('explore')
    .description('explore every order of a model\'s events (breadth first) and report each broken invariant with its shortest trace')
    .argument('<model>', 'model JSON file (see `teeio schema model`)')
    .addOption(new Option('--arch <id>', `a built-in arch: ${BUILTIN_ARCHES.join(', ')}, or all (repeatable)`).argParser(collectArch))
    .addOption(new Option('--plugin <spec>', 'load a plugin: package name, path or file URL (repeatable)').argParser((v: string, p: readonly string[] = []) => [...p, v]))
    .option('--config <path>', 'config file naming plugins')
    .addOption(new Option('--workers <n>', 'worker threads that expand each level').argParser(positive).default(1))
    .addOption(new Option('--max-states <n>', 'stop after this many distinct states').argParser(positive))
    .option('--no-reduction', 'keep every fail_nth counter in the state, or (device models) tell TDIs apart: to check that verdicts agree')
    .option('--out <dir>', 'write each counterexample as a scenario file `teeio run` replays (scenario models)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (file: string, opts: ExploreOptions) => {
      const model = modelFrom(file, io);
      if (isDeviceModel(model)) return finish(model.name, [await exploreDeviceModel(file, model, opts, io)], opts, io, done);
      const plugins = await loadForRun(opts, io, done);
      if (!plugins) return;
      const results: ExploreResult[] = [];
      for (const p of plugins) results.push(await guarded(file, () => exploreOne(model, p, opts, io)));
      if (opts.out !== undefined) writeCounterexamples(resolve(io.cwd, opts.out), model, results);
      finish(model.name, results, opts, io, done);
    });
