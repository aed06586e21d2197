import { Command, Option } from 'commander';
import { resolve } from 'node:path';
import { compareArchs } from '../../compare/compare-archs.js';
import { comparisonHtml } from '../../compare/render/html.js';
import { comparisonMarkdown } from '../../compare/render/markdown.js';
import { comparisonText } from '../../compare/render/text.js';
import { colorsFor } from '../colors.js';
import { ExitCode } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { type PluginOptions, addPluginOptions } from '../plugin-options.js';
import type { CommandGroup } from '../program.js';
import { seedOption } from '../seed-option.js';
import { loadForRun, runGuarded, scenarioFrom, terminalWidth } from './run-inputs.js';

interface CompareOptions extends PluginOptions {
  readonly format: 'text' | 'markdown' | 'json' | 'html';
  readonly seed?: string;
}

/**
 * `teeio compare`: one scenario on every selected plugin, aligned by flow and step. Exit 0
 * when every run passes its expectations, 1 when any fails, 2 for bad input.
 */
export const compareCommand: CommandGroup = (io: CliIo, done) =>
  addPluginOptions(new Command('compare'))
    .description('run a scenario on every selected arch plugin and lay the runs side by side, step by step')
    .argument('<scenario>', 'scenario JSON file (see `teeio schema scenario`)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'markdown', 'json', 'html']).default('text'))
    .addOption(seedOption())
    .action(async (file: string, opts: CompareOptions) => {
      const scenario = scenarioFrom(file, resolve(io.cwd, file), io);
      const plugins = await loadForRun(opts, io, done);
      if (!plugins) return;
      const c = runGuarded(file, () => compareArchs(scenario, plugins, opts.seed));
      const formats = {
        json: () => `${JSON.stringify(c)}\n`,
        markdown: () => comparisonMarkdown(c),
        html: () => comparisonHtml(c),
        text: () => comparisonText(c, { width: terminalWidth(io), colors: colorsFor(io) }),
      };
      io.out(formats[opts.format]());
      done(c.verdicts.every((v) => v.outcome === 'pass') ? ExitCode.OK : ExitCode.FAILED);
    });
