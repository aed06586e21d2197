import { Command, InvalidArgumentError, Option } from 'commander';
import { container } from 'tsyringe';
import { faultSweep } from '../../sweep/fault-sweep.js';
import { sweepText } from '../../sweep/sweep-text.js';
import { colorsFor } from '../colors.js';
import { ExitCode } from '../exit-codes.js';
import { type PluginOptions, addPluginOptions } from '../plugin-options.js';
import type { CommandGroup } from '../program.js';
import { examplesFrom, loadForRun, terminalWidth } from './run-inputs.js';

interface SweepOptions extends PluginOptions {
  readonly examples: string;
  readonly every: number;
}

function parseEvery(text: string): number {
  if (!/^[1-9][0-9]{0,5}$/.test(text)) throw new InvalidArgumentError(`'${text}' is not a whole number from 1 to 999999.`);
  return Number(text);
}

/**
 * `teeio sweep`: every example on every selected plugin, with every fail_nth position of every
 * fault kind (or every N-th); exit 1 naming the scenario, arch and fault of any unexpected
 * violation, leak or internal error.
 */
export const sweepCommand: CommandGroup = (io, done) =>
  addPluginOptions(new Command('sweep'))
    .description('run every example with each firmware call, DOE exchange and host allocation failing in turn, and check nothing breaks')
    .option('--examples <dir>', 'the directory of example scenarios', 'examples')
    .addOption(new Option('--every <n>', 'inject at every n-th position of each kind only (1, 1+n, 1+2n …)').argParser(parseEvery).default(1))
    .action(async (opts: SweepOptions) => {
      const examples = examplesFrom(opts.examples, io);
      const plugins = await loadForRun(opts, io, done);
      if (!plugins) return;
      const result = faultSweep(examples, plugins, container, { every: opts.every });
      io.out(sweepText(result, { width: terminalWidth(io), colors: colorsFor(io) }));
      done(result.problems.length === 0 ? ExitCode.OK : ExitCode.FAILED);
    });
