import { Command, Option } from 'commander';
import { toMermaid } from '../../report/mermaid.js';
import { runPoints } from '../../report/run-tap.js';
import { type TapPoint, toTap } from '../../report/tap.js';
import { toText } from '../../report/text.js';
import type { RunReport } from '../../scenario/run.js';
import { colorsFor } from '../colors.js';
import { ExitCode } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { type PluginOptions, addPluginOptions } from '../plugin-options.js';
import { loadForRun, runOne, scenarioFrom } from './run-inputs.js';
import type { CommandGroup } from '../program.js';
import { seedOption } from '../seed-option.js';
import { resolve } from 'node:path';

interface RunOptions extends PluginOptions {
  readonly format: 'text' | 'json' | 'mermaid' | 'tap';
  readonly seed?: string;
  readonly invariants: boolean;
}

function render(r: RunReport, format: RunOptions['format'], io: CliIo): string {
  if (format === 'json') return `${JSON.stringify(r)}\n`;
  if (format === 'mermaid') return toMermaid(r);
  return toText(r, colorsFor(io));
}

/**
 * `teeio run`: one scenario on every plugin the options select (all built-ins by default).
 * JSON prints one object per run, one per line; TAP one document with a point per expectation
 * and invariant of every run. Exit 0 when every run passes, 1 when any
 * fails, 2 for a bad scenario or a refused plugin (before anything runs).
 */
export const runCommand: CommandGroup = (io, done) =>
  addPluginOptions(new Command('run'))
    .description('run a scenario file on the selected arch plugins and check its expectations and every invariant')
    .argument('<scenario>', 'scenario JSON file (see `teeio schema scenario`)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'mermaid', 'tap']).default('text'))
    .addOption(seedOption())
    .option('--no-invariants', 'do not check invariants (only to measure what checking costs)')
    .action(async (file: string, opts: RunOptions) => {
      const scenario = scenarioFrom(file, resolve(io.cwd, file));
      const plugins = await loadForRun(opts, io, done);
      if (!plugins) return;
      let failed = false;
      const points: TapPoint[] = [];
      for (const plugin of plugins) {
        const report = runOne(scenario, plugin, file, { ...(opts.seed ? { seed: opts.seed } : {}), invariants: opts.invariants });
        if (opts.format === 'tap') points.push(...runPoints(report, opts.invariants));
        else io.out(render(report, opts.format, io));
        failed ||= report.outcome === 'fail';
      }
      // TAP is one document (one plan) for every plugin: a flat list, each point naming its arch.
      if (opts.format === 'tap') io.out(toTap(points));
      done(failed ? ExitCode.FAILED : ExitCode.OK);
    });
