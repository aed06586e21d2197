import { Command } from 'commander';
import { join, resolve } from 'node:path';
import { compareArchs } from '../../compare/compare-archs.js';
import { behaviourMatrix, examplesIn } from '../../compare/matrix/build.js';
import { matrixText } from '../../compare/render/matrix-text.js';
import { comparisonText } from '../../compare/render/text.js';
import { colorsFor } from '../colors.js';
import { ExitCode } from '../exit-codes.js';
import { type PluginOptions, addPluginOptions } from '../plugin-options.js';
import type { CommandGroup } from '../program.js';
import { loadForRun, runGuarded, scenarioFrom, terminalWidth } from './run-inputs.js';

interface OverviewOptions extends PluginOptions {
  readonly examples: string;
}

const NEXT = [
  'next:',
  '  teeio compare examples/lifecycle.json --format html > compare.html  (sequence diagrams)',
  '  teeio matrix --format markdown   (the matrix, for a PR or an issue)',
  '  teeio tdisp transcript           (the TDISP lifecycle, byte by byte)',
];

/**
 * `teeio overview` (what `npm start` runs): the seed thread's lifecycle compared across every
 * selected arch, then the behaviour matrix, then where to go next.
 */
export const overviewCommand: CommandGroup = (io, done) =>
  addPluginOptions(new Command('overview'))
    .description('compare the lifecycle example across the arch plugins, then print the behaviour matrix')
    .option('--examples <dir>', 'the directory of example scenarios', 'examples')
    .action(async (opts: OverviewOptions) => {
      const dir = resolve(io.cwd, opts.examples);
      const lifecycle = scenarioFrom(join(opts.examples, 'lifecycle.json'), join(dir, 'lifecycle.json'), io);
      const plugins = await loadForRun(opts, io, done);
      if (!plugins) return;
      const t = { width: terminalWidth(io), colors: colorsFor(io) };
      const c = runGuarded(opts.examples, () => compareArchs(lifecycle, plugins));
      io.out(`${comparisonText(c, t)}\n`);
      io.out(`${t.colors.bold('behaviour matrix')} (each answer names the example and step it came from)\n`);
      io.out(`${matrixText(runGuarded(opts.examples, () => behaviourMatrix(plugins, examplesIn(dir))), t)}\n${NEXT.join('\n')}\n`);
      done(c.verdicts.every((v) => v.outcome === 'pass') ? ExitCode.OK : ExitCode.FAILED);
    });
