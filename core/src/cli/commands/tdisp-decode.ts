import { Command } from 'commander';
import { type WireLayer, decodeStack, fromHex } from '../../wire/index.js';
import { ExitCode } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { readArg } from '../read-arg.js';
import type { CommandGroup } from '../program.js';
import { stackToJson } from '../wire-json.js';
import { layerOption } from './tdisp.js';

export const decodeCommand = (io: CliIo, done: Parameters<CommandGroup>[1]) =>
  new Command('decode')
    .description('decode bytes given as hex (or @file, or - for stdin) and print every layer they carry as JSON')
    .argument('<hex...>', 'the message as hex; spaces, 0x prefixes and : separators are ignored')
    .addOption(layerOption())
    .option('--strict', 'reject non-zero reserved fields instead of flagging them')
    .action((hex: string[], opts: { layer: WireLayer; strict?: boolean }) => {
      const bytes = fromHex(hex.map((h) => readArg(h, io, 'hex')).join(''), 'hex');
      const stack = decodeStack(bytes, opts.layer, { strict: opts.strict ?? false });
      io.out(`${JSON.stringify(stackToJson(stack), null, 2)}\n`);
      done(ExitCode.OK);
    });
