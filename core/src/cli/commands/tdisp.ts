import { Command, Option } from 'commander';
import { decodeCommand } from './tdisp-decode.js';
import { encodeCommand } from './tdisp-encode.js';
import { transcriptCommand } from './tdisp-transcript.js';
import { serveCommand } from './tdisp-serve.js';
import { validateCommand } from './tdisp-validate.js';
import type { CommandGroup } from '../program.js';

/** `teeio tdisp …`: the wire protocol and the simulated device. */
export const tdispCommand: CommandGroup = (io, done) =>
  new Command('tdisp')
    .description('TDISP, IDE_KM, SPDM vendor-defined and DOE messages, and the simulated TDISP device')
    .addCommand(decodeCommand(io, done))
    .addCommand(encodeCommand(io, done))
    .addCommand(transcriptCommand(io, done))
    .addCommand(serveCommand(io, done))
    .addCommand(validateCommand(io, done));

export const layerOption = () =>
  new Option('--layer <layer>', 'the outermost layer of the bytes').choices(['doe', 'spdm', 'tdisp', 'idekm', 'report']).default('tdisp');
