import { Command, Option } from 'commander';
import { conformanceTap, conformanceText } from '../../conformance/render.js';
import { runConformance } from '../../conformance/run.js';
import { colorsFor } from '../colors.js';
import { ExitCode } from '../exit-codes.js';
import type { CommandGroup } from '../program.js';
import { terminalWidth } from './run-inputs.js';

interface ConformanceCliOptions {
  readonly plugin: string;
  readonly format: 'text' | 'json' | 'tap';
}

/**
 * `teeio conformance --plugin SPEC`: the conformance kit on one plugin. Exit 0 when every check
 * passes, 1 when one fails, 2 when the plugin host refuses the plugin (one line saying why; the
 * API's report and the vitest form show the refusal as the failed declaration or ports check).
 */
export const conformanceCommand: CommandGroup = (io, done) =>
  new Command('conformance')
    .description('run the conformance kit on an arch plugin: declaration, ports, plans, examples, wrong orders, fail_nth, snapshots, determinism')
    .requiredOption('--plugin <spec>', 'the plugin: package name, path or file URL')
    .addOption(new Option('--format <format>', 'output format (json: see `teeio schema conformance`)').choices(['text', 'json', 'tap']).default('text'))
    .action(async (opts: ConformanceCliOptions) => {
      const report = await runConformance(opts.plugin, { cwd: io.cwd });
      if (report.refused) {
        io.err(`teeio: ${report.refused.message}\n`);
        return done(ExitCode.BAD_INPUT);
      }
      if (opts.format === 'json') io.out(`${JSON.stringify(report)}\n`);
      else if (opts.format === 'tap') io.out(conformanceTap(report));
      else io.out(conformanceText(report, { width: terminalWidth(io), colors: colorsFor(io) }));
      done(report.outcome === 'pass' ? ExitCode.OK : ExitCode.FAILED);
    });
