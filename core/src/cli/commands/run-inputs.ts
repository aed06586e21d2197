import { resolve } from 'node:path';
import { container } from 'tsyringe';
import { examplesIn } from '../../compare/matrix/build.js';
import { loadPlugins } from '../../plugin/host.js';
import type { LoadedPlugin } from '../../plugin/loaded-plugin.js';
import { PluginRefusal } from '../../plugin/refusal.js';
import { ScenarioError, loadScenario, scenarioOfText } from '../../scenario/load.js';
import { PluginRunError, type RunOptions, type RunReport, runScenario } from '../../scenario/run.js';
import type { Scenario } from '../../scenario/scenario.js';
import { CliError, ExitCode } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { type PluginOptions, loadRequestFrom, writeRefusals } from '../plugin-options.js';
import { readArg } from '../read-arg.js';

/** What the commands that run scenarios share: loading them, the plugins, and one error policy. */

/** How errors name the scenario `file`: `-` is standard input. */
const shownAs = (file: string): string => (file === '-' ? '<stdin>' : file);

/**
 * The scenario at `path`, or on standard input when `file` is `-`; a bad one is bad input named by
 * `file` (`<stdin>`) and JSON pointer.
 */
export function scenarioFrom(file: string, path: string, io: CliIo): Scenario {
  try {
    return file === '-' ? scenarioOfText(readArg('-', io, 'the scenario'), shownAs(file)) : loadScenario(path);
  } catch (e) {
    if (e instanceof ScenarioError) throw new CliError(e.describeAs(shownAs(file)));
    throw e;
  }
}

/** The example scenarios in `dir` (`--examples`, relative to the working directory); one that cannot load is bad input. */
export function examplesFrom(dir: string, io: CliIo): Scenario[] {
  try {
    return examplesIn(resolve(io.cwd, dir));
  } catch (e) {
    throw new CliError(`--examples ${dir}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The selected plugins, or undefined after reporting refusals (exit 2). */
export async function loadForRun(opts: PluginOptions, io: CliIo, done: (code: ExitCode) => void): Promise<readonly LoadedPlugin[] | undefined> {
  const set = await loadPlugins(loadRequestFrom(opts, io));
  if (set.refused.length > 0) {
    writeRefusals(set.refused, io);
    done(ExitCode.BAD_INPUT);
    return undefined;
  }
  if (set.loaded.length === 0) throw new CliError('no plugin to run on (use --arch or --plugin)');
  return set.loaded;
}

/**
 * Runs `work`; a plugin that throws is bad input, named with the scenario step it failed at, or
 * with the phase (register(), constructing a port) if it failed building the run's world.
 */
export function runGuarded<T>(file: string, work: () => T): T {
  try {
    return work();
  } catch (e) {
    if (e instanceof PluginRunError) throw new CliError(`${shownAs(file)}: ${e.message}`);
    if (e instanceof PluginRefusal) throw new CliError(e.message, ExitCode.BAD_INPUT, e.cause);
    throw e;
  }
}

/** One plugin's run of `scenario`, under the same error policy. */
export const runOne = (scenario: Scenario, plugin: LoadedPlugin, file: string, options: RunOptions): RunReport =>
  runGuarded(file, () => runScenario(scenario, plugin, container, options));

/** The width text output fits: the terminal's (100 when stdout is not one), never more than 100 columns. */
export const terminalWidth = (io: Pick<CliIo, 'columns'>): number => Math.min(io.columns || 100, 100);
