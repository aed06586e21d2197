import { Command, Option } from 'commander';
import { toMermaid, toMermaidMarkdown } from '../../report/mermaid.js';
import { runPoints } from '../../report/run-tap.js';
import { type TapPoint, toTap } from '../../report/tap.js';
import { toText } from '../../report/text.js';
import type { RunReport } from '../../scenario/run.js';
import { colorsFor } from '../colors.js';
import { outDir, writeWhole } from '../out-dir.js';
import { CliError, ExitCode } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { type PluginOptions, addPluginOptions } from '../plugin-options.js';
import { loadForRun, runOne, scenarioFrom, terminalWidth } from './run-inputs.js';
import type { CommandGroup } from '../program.js';
import { seedOption } from '../seed-option.js';
import { resolve } from 'node:path';

interface RunOptions extends PluginOptions {
  readonly format: 'text' | 'json' | 'jsonl' | 'mermaid' | 'tap';
  readonly seed?: string;
  readonly invariants: boolean;
  readonly out?: string;
}

/** Formats that print all runs as one document, after the last run. */
type DocumentFormat = 'json' | 'tap' | 'mermaid';
const isDocument = (f: RunOptions['format']): f is DocumentFormat => f === 'json' || f === 'tap' || f === 'mermaid';

/**
 * Every run as one document: JSON `{ scenario, reports }`, TAP with a point per check, or
 * Markdown with a Mermaid diagram per arch (two diagrams back to back are not valid Mermaid).
 */
function renderAll(scenario: string, reports: readonly RunReport[], format: DocumentFormat, invariants: boolean): string {
  if (format === 'json') return `${JSON.stringify({ scenario, reports })}\n`;
  if (format === 'mermaid') return toMermaidMarkdown(scenario, reports);
  // TAP is one plan for every plugin: a flat list, each point naming its arch.
  return toTap(reports.flatMap((r): TapPoint[] => runPoints(r, invariants)));
}

/** One run as it finishes; document formats wait for every run to print them as one. */
function render(r: RunReport, format: Exclude<RunOptions['format'], DocumentFormat>, io: CliIo): string {
  if (format === 'jsonl') return `${JSON.stringify(r)}\n`;
  return toText(r, { width: terminalWidth(io), colors: colorsFor(io) });
}

/** A file name part from a scenario or arch name: anything but letters, digits, `.`, `_`, `-` becomes `-`. */
const fileNamePart = (s: string) => s.replace(/[^\w.-]/g, '-');

/** `--out DIR`: a `<scenario>.<arch>.mmd` file per run, each written whole; stdout lists them. */
function writeDiagrams(dir: string, reports: readonly RunReport[], io: CliIo): void {
  for (const r of reports) io.out(`${writeWhole(dir, `${fileNamePart(r.scenario)}.${fileNamePart(r.arch)}.mmd`, toMermaid(r))}\n`);
}

/** The checked `--out` directory: only Mermaid is written to files. */
function outOption(opts: RunOptions, io: CliIo): string | undefined {
  if (opts.out === undefined) return undefined;
  if (opts.format !== 'mermaid') throw new CliError(`--out: only --format mermaid writes files (got --format ${opts.format})`);
  return outDir(opts.out, io);
}

/**
 * `teeio run`: one scenario on every plugin the options select (all built-ins by default).
 * `--format json` prints one document, `{ scenario, reports }` with a report per plugin in load
 * order; `jsonl` prints each report on its own line as its run ends; `tap` one TAP 13 document
 * with a point per expectation and invariant of every run; `mermaid` a Markdown document with a
 * diagram per run, or with `--out DIR` a `.mmd` file per run. Exit 0 when every run passes, 1 when
 * any fails, 2 for a bad scenario or a refused plugin (before anything runs).
 */
export const runCommand: CommandGroup = (io, done) =>
  addPluginOptions(new Command('run'))
    .description('run a scenario file on the selected arch plugins and check its expectations and every invariant')
    .argument('<scenario>', 'scenario JSON file, or - for standard input (see `teeio schema scenario`)')
    .addOption(new Option('--format <format>', 'output format: json is one document, jsonl one report per line').choices(['text', 'json', 'jsonl', 'mermaid', 'tap']).default('text'))
    .addOption(seedOption())
    .option('--no-invariants', 'do not check invariants (only to measure what checking costs)')
    .option('--out <dir>', 'with --format mermaid: write <scenario>.<arch>.mmd into DIR instead of Markdown on stdout')
    .action(async (file: string, opts: RunOptions) => {
      const scenario = scenarioFrom(file, resolve(io.cwd, file), io);
      const dir = outOption(opts, io);
      const plugins = await loadForRun(opts, io, done);
      if (!plugins) return;
      const reports: RunReport[] = [];
      for (const plugin of plugins) {
        const report = runOne(scenario, plugin, file, { ...(opts.seed ? { seed: opts.seed } : {}), invariants: opts.invariants });
        if (!isDocument(opts.format)) io.out(render(report, opts.format, io));
        reports.push(report);
      }
      if (dir !== undefined) writeDiagrams(dir, reports, io);
      else if (isDocument(opts.format)) io.out(renderAll(scenario.name, reports, opts.format, opts.invariants));
      done(reports.some((r) => r.outcome === 'fail') ? ExitCode.FAILED : ExitCode.OK);
    });
