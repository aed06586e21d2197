import { Command, Option } from 'commander';
import { behaviourMatrix } from '../../compare/matrix/build.js';
import { MatrixGapError } from '../../compare/matrix/matrix.js';
import { matrixMarkdown } from '../../compare/render/matrix-markdown.js';
import { matrixText } from '../../compare/render/matrix-text.js';
import { colorsFor } from '../colors.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { type PluginOptions, addPluginOptions } from '../plugin-options.js';
import type { CommandGroup } from '../program.js';
import { examplesFrom, loadForRun, runGuarded, terminalWidth } from './run-inputs.js';

interface MatrixOptions extends PluginOptions {
  readonly format: 'text' | 'markdown' | 'json';
  readonly examples: string;
}

/**
 * `teeio matrix`: runs the example scenarios on every selected plugin and answers the questions
 * engineers argue about, each answer naming the scenario and step it came from. Exit 1 when a
 * question has no answer for an arch.
 */
export const matrixCommand: CommandGroup = (io, done) =>
  addPluginOptions(new Command('matrix'))
    .description('run the example scenarios on every selected arch plugin and print the behaviour matrix')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'markdown', 'json']).default('text'))
    .option('--examples <dir>', 'the directory of example scenarios', 'examples')
    .action(async (opts: MatrixOptions) => {
      const examples = examplesFrom(opts.examples, io);
      const plugins = await loadForRun(opts, io, done);
      if (!plugins) return;
      try {
        const m = runGuarded(opts.examples, () => behaviourMatrix(plugins, examples));
        const formats = { json: () => `${JSON.stringify(m)}\n`, markdown: () => matrixMarkdown(m), text: () => matrixText(m, { width: terminalWidth(io), colors: colorsFor(io) }) };
        io.out(formats[opts.format]());
        done(ExitCode.OK);
      } catch (e) {
        if (!(e instanceof MatrixGapError)) throw e;
        throw new CliError(e.message, ExitCode.FAILED);
      }
    });
