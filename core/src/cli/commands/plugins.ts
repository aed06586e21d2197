import { Command, Option } from 'commander';
import { loadPlugins } from '../../plugin/host.js';
import { type PluginListing, listPlugins } from '../../plugin/listing.js';
import { wrap } from '../../util/wrap.js';
import { type Colors, colorsFor } from '../colors.js';
import { ExitCode } from '../exit-codes.js';
import { type PluginOptions, addPluginOptions, loadRequestFrom, writeRefusals } from '../plugin-options.js';
import type { CommandGroup } from '../program.js';
import { terminalWidth } from './run-inputs.js';

/** The label column: every field's value starts here and wraps back to it. */
const LABEL = 12;

/** One field of a plugin: its label, then its value wrapped to the width under itself. */
function field(label: string, value: string, width: number, c: Colors): string[] {
  const pad = ' '.repeat(LABEL + 2);
  return value.split('\n').flatMap((part, i) =>
    wrap(part, width - pad.length).map((line, j) => (i === 0 && j === 0 ? `  ${c.dim(label.padEnd(LABEL))}${line}` : `${pad}${line}`)),
  );
}

/** A plugin as a heading line (arch, name, version) and its fields: no table can fit a 100-column terminal with the semantics in it. */
function loadedText({ loaded }: PluginListing, width: number, c: Colors): string[] {
  if (loaded.length === 0) return [c.dim('No plugins loaded.')];
  return loaded.flatMap((p, i) => [
    ...(i > 0 ? [''] : []),
    `${c.bold(c.cyan(p.arch))}  ${p.name} ${p.version}`,
    ...field('firmware', `${p.firmware.name}; injected failure: ${p.firmware.injectedFailure}`, width, c),
    ...field('ports', p.ports.join(', '), width, c),
    ...field('flows', p.flows.join(', '), width, c),
    ...field('semantics', p.semantics, width, c),
  ]);
}

function refusedText({ refused }: PluginListing, width: number, c: Colors): string[] {
  return refused.flatMap((r) => ['', `${c.red(c.bold('refused'))}  ${r.specifier}`, ...field('reason', r.reason, width, c), ...field('problem', [r.problem, ...r.errors].join('\n'), width, c)]);
}

function renderText(listing: PluginListing, width: number, c: Colors): string {
  return `${[...loadedText(listing, width, c), ...refusedText(listing, width, c)].join('\n')}\n`;
}

interface PluginsOptions extends PluginOptions {
  readonly format: 'text' | 'json';
}

/** `teeio plugins`: what the plugin options load, and why anything was refused. */
export const pluginsCommand: CommandGroup = (io, done) =>
  addPluginOptions(new Command('plugins'))
    .description('load plugins as a run would, list them, and say why any was refused')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (opts: PluginsOptions) => {
      const set = await loadPlugins(loadRequestFrom(opts, io));
      const listing = listPlugins(set);
      io.out(opts.format === 'json' ? `${JSON.stringify(listing, null, 2)}\n` : renderText(listing, terminalWidth(io), colorsFor(io)));
      writeRefusals(set.refused, io);
      done(set.refused.length === 0 ? ExitCode.OK : ExitCode.BAD_INPUT);
    });
