import { DEVICE_PRESETS, type DevicePresetName } from '../../device/presets.js';
import { Command, InvalidArgumentError, Option } from 'commander';
import { formatPeerAddress } from '../../transport/index.js';
import {
  type CheckOutcome,
  RunInterrupted,
  TDISP_CHECKS,
  type ValidationTarget,
  builtInTarget,
  outcomeLines,
  outcomePoint,
  peerTarget,
  runChecks,
  strictly,
  summaryLine,
  tally,
  tdispOnlyDevice,
} from '../../validator/index.js';
import { type FunctionId, formatRequesterId, interfaceIdOf } from '../../wire/index.js';
import { toTap } from '../../report/tap.js';
import { CliError, ExitCode } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { connectPeer, peerError, timeoutOption } from '../peer-option.js';
import type { CommandGroup } from '../program.js';

/** The sample's TDI, which spdm_requester_emu addresses: the default on a peer. */
const PEER_DEFAULT_FUNCTION_ID: FunctionId = { requesterId: 0xbeef, segment: 0, segmentValid: false };

/** A function_id in hex (0xbeef; bits 23:16 segment, bit 24 segment valid) or bus:device.function. */
function parseInterface(text: string): FunctionId {
  const bdf = /^([0-9a-fA-F]{1,2}):([0-9a-fA-F]{1,2})\.([0-7])$/.exec(text);
  if (bdf) {
    const [bus, dev, fn] = [parseInt(bdf[1] as string, 16), parseInt(bdf[2] as string, 16), Number(bdf[3])];
    if (dev <= 0x1f) return { requesterId: (bus << 8) | (dev << 3) | fn, segment: 0, segmentValid: false };
  }
  if (/^0[xX][0-9a-fA-F]{1,7}$/.test(text) && Number(text) < 1 << 25) {
    const v = Number(text);
    return { requesterId: v & 0xffff, segment: (v >>> 16) & 0xff, segmentValid: (v >>> 24) === 1 };
  }
  throw new InvalidArgumentError('expected a function_id in hex (0xbeef) or bus:device.function (be:1d.7)');
}

interface ValidateOptions {
  peer?: string;
  format: 'text' | 'json' | 'tap';
  interface?: FunctionId;
  preset: DevicePresetName;
  timeout: number;
  strict?: boolean;
}

/** The responder to check, and how the report names it. */
interface Subject {
  readonly target: ValidationTarget;
  readonly description: string;
}

function builtIn(opts: ValidateOptions): Subject {
  const device = tdispOnlyDevice(opts.preset);
  try {
    const target = builtInTarget(device, opts.interface?.requesterId);
    const tdi = formatRequesterId(target.interfaceId.functionId.requesterId);
    return { target, description: `the built-in device (preset ${opts.preset}), TDI ${tdi}` };
  } catch (e) {
    if (e instanceof RangeError) throw new CliError(`--interface: ${e.message}`);
    throw e;
  }
}

async function peer(text: string, opts: ValidateOptions): Promise<Subject> {
  const { responder, address } = await connectPeer(text, opts.timeout);
  const functionId = opts.interface ?? PEER_DEFAULT_FUNCTION_ID;
  const id = interfaceIdOf(functionId.requesterId, functionId.segmentValid ? functionId.segment : undefined);
  return { target: peerTarget(responder, id), description: `spdm-emu peer ${formatPeerAddress(address)}, function_id ${formatRequesterId(functionId.requesterId)}` };
}

/** The outcomes, and the error that ended the run early if one did (printed after them). */
function render(io: CliIo, format: ValidateOptions['format'], description: string, outcomes: readonly CheckOutcome[], error?: CliError): void {
  const counts = tally(outcomes);
  if (format === 'json') {
    const ended = error === undefined ? {} : { error: error.message };
    io.out(`${JSON.stringify({ target: description, checks: outcomes, summary: counts, ...ended }, null, 2)}\n`);
    return;
  }
  if (format === 'tap') {
    io.out(toTap(outcomes.map(outcomePoint), error?.message));
    return;
  }
  const lines = [`teeio tdisp validate: ${description}`, ...outcomes.flatMap(outcomeLines), summaryLine(counts)];
  io.out(`${lines.join('\n')}\n`);
}

/** Runs every check; a transport error mid-run still yields the outcomes so far, with the error. */
async function outcomesOf(target: ValidationTarget, peerText: string): Promise<{ outcomes: readonly CheckOutcome[]; error?: CliError }> {
  try {
    return { outcomes: await runChecks(target, TDISP_CHECKS) };
  } catch (e) {
    if (!(e instanceof RunInterrupted)) throw e;
    const error = peerError(e.cause, peerText);
    if (!(error instanceof CliError)) throw error;
    return { outcomes: e.outcomes, error };
  } finally {
    await target.responder.close();
  }
}

export const validateCommand = (io: CliIo, done: Parameters<CommandGroup>[1]) =>
  new Command('validate')
    .description(
      'check a TDISP responder against the TDISP rules, one check per rule: the built-in simulated device, or a peer speaking ' +
        "spdm-emu's socket protocol. Exit 0 when every check passes, 1 when one fails, 2 for bad input or an unreachable peer",
    )
    .option('--peer <host:port>', 'validate the responder at HOST:PORT (spdm_responder_emu --trans PCI_DOE --decap_tdisp, or teeio tdisp serve)')
    .addOption(new Option('--format <format>', 'output format (tap: TAP version 13)').choices(['text', 'json', 'tap']).default('text'))
    .addOption(
      new Option('--interface <id>', 'the TDI to check, as a function_id (0xbeef) or bus:device.function; default: 0xbeef on a peer, the first TDI of the built-in device').argParser(
        parseInterface,
      ),
    )
    .addOption(new Option('--preset <name>', 'the built-in device configuration').choices(Object.keys(DEVICE_PRESETS)).default('default').conflicts('peer'))
    .addOption(timeoutOption())
    .option('--strict', 'count advisories (expectations of other test plans, beyond the spec) as failures')
    .action(async (opts: ValidateOptions) => {
      const { target, description } = opts.peer === undefined ? builtIn(opts) : await peer(opts.peer, opts);
      const run = await outcomesOf(target, opts.peer ?? '');
      const outcomes = opts.strict === true ? strictly(run.outcomes) : run.outcomes;
      render(io, opts.format, description, outcomes, run.error);
      if (run.error !== undefined) throw run.error;
      done(tally(outcomes).failed === 0 ? ExitCode.OK : ExitCode.FAILED);
    });
