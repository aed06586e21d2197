import { Command, Option } from 'commander';
import { container } from 'tsyringe';
import { loadPlugins } from '../../plugin/host.js';
import { toMermaid } from '../../report/mermaid.js';
import { toText } from '../../report/text.js';
import { ScenarioError, loadScenario } from '../../scenario/load.js';
import { PluginRunError, type RunReport, runScenario } from '../../scenario/run.js';
import type { Scenario } from '../../scenario/scenario.js';
import type { LoadedPlugin } from '../../plugin/loaded-plugin.js';
import { colorsFor } from '../colors.js';
import { CliError, ExitCode } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { type PluginOptions, addPluginOptions, loadRequestFrom, writeRefusals } from '../plugin-options.js';
import type { CommandGroup } from '../program.js';
import { resolve } from 'node:path';

interface RunOptions extends PluginOptions {
  readonly format: 'text' | 'json' | 'mermaid';
  readonly seed?: string;
  readonly invariants: boolean;
}

function render(r: RunReport, format: RunOptions['format'], io: CliIo): string {
  if (format === 'json') return `${JSON.stringify(r)}\n`;
  if (format === 'mermaid') return toMermaid(r);
  return toText(r, colorsFor(io));
}

/** One plugin's run; a plugin that throws is bad input, named with the scenario step it failed at. */
function runOne(scenario: Scenario, plugin: LoadedPlugin, file: string, opts: RunOptions): RunReport {
  try {
    return runScenario(scenario, plugin, container, { ...(opts.seed ? { seed: opts.seed } : {}), invariants: opts.invariants });
  } catch (e) {
    if (e instanceof PluginRunError) throw new CliError(`${file}: ${e.message}`);
    throw e;
  }
}

/**
 * `teeio run`: one scenario on every plugin the options select (all built-ins by default).
 * JSON prints one object per run, one per line. Exit 0 when every run passes, 1 when any
 * fails, 2 for a bad scenario or a refused plugin (before anything runs).
 */
export const runCommand: CommandGroup = (io, done) =>
  addPluginOptions(new Command('run'))
    .description('run a scenario file on the selected arch plugins and check its expectations and every invariant')
    .argument('<scenario>', 'scenario JSON file (see `teeio schema scenario`)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'mermaid']).default('text'))
    .option('--seed <seed>', "override the scenario's seed")
    .option('--no-invariants', 'do not check invariants (only to measure what checking costs)')
    .action(async (file: string, opts: RunOptions) => {
      let scenario: Scenario;
      try {
        scenario = loadScenario(resolve(io.cwd, file));
      } catch (e) {
        if (e instanceof ScenarioError) throw new CliError(e.describeAs(file));
        throw e;
      }
      const set = await loadPlugins(loadRequestFrom(opts, io));
      if (set.refused.length > 0) {
        writeRefusals(set.refused, io);
        done(ExitCode.BAD_INPUT);
        return;
      }
      if (set.loaded.length === 0) throw new CliError('no plugin to run on (use --arch or --plugin)');
      let failed = false;
      for (const plugin of set.loaded) {
        const report = runOne(scenario, plugin, file, opts);
        io.out(render(report, opts.format, io));
        failed ||= report.outcome === 'fail';
      }
      done(failed ? ExitCode.FAILED : ExitCode.OK);
    });
