import { Command, Option } from 'commander';
import { compileSchema, SchemaError } from '../../schema/validator.js';
import { type WireLayer, encodeDoe, pciSigVendorMessage, spdm, spdmDataObject, toHex } from '../../wire/index.js';
import { CliError, ExitCode } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import type { CommandGroup } from '../program.js';
import { readArg } from '../read-arg.js';
import { LAYER_JSON } from '../wire-json.js';
import { layerOption } from './tdisp.js';

const checks = new Map<WireLayer, (v: unknown) => unknown>();

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CliError(`JSON: ${(e as Error).message}`);
  }
}

/** Encodes one layer's JSON view to bytes. */
function encodeLayer(layer: WireLayer, json: unknown): Uint8Array {
  const check = checks.get(layer) ?? compileSchema(LAYER_JSON[layer].schema);
  checks.set(layer, check);
  try {
    check(json);
  } catch (e) {
    if (e instanceof SchemaError) throw new CliError(`${layer} JSON ${e.message}`);
    throw e;
  }
  return LAYER_JSON[layer].encodeJson(json);
}

/** Wraps a TDISP or IDE_KM message in a PCI-SIG vendor-defined request, and that in a DOE object. */
function wrap(bytes: Uint8Array, layer: WireLayer, into: 'spdm' | 'doe'): Uint8Array {
  if (layer !== 'tdisp' && layer !== 'idekm') throw new CliError(`--wrap applies to tdisp and idekm messages, not ${layer}`);
  const vdm = spdm.encode(pciSigVendorMessage('VENDOR_DEFINED_REQUEST', layer === 'tdisp' ? 'TDISP' : 'IDE_KM', bytes));
  return into === 'spdm' ? vdm : encodeDoe(spdmDataObject(vdm));
}

export const encodeCommand = (io: CliIo, done: Parameters<CommandGroup>[1]) =>
  new Command('encode')
    .description('encode a message given as JSON (as `decode` prints one layer of it; or @file, or - for stdin) and print its hex')
    .argument('<json>', 'the message as JSON')
    .addOption(layerOption())
    .addOption(new Option('--wrap <outer>', 'also wrap a tdisp/idekm message in an SPDM vendor-defined request, or that in a DOE object').choices(['spdm', 'doe']))
    .action((arg: string, opts: { layer: WireLayer; wrap?: 'spdm' | 'doe' }) => {
      const bytes = encodeLayer(opts.layer, parseJson(readArg(arg, io, 'JSON')));
      io.out(`${toHex(opts.wrap ? wrap(bytes, opts.layer, opts.wrap) : bytes)}\n`);
      done(ExitCode.OK);
    });
