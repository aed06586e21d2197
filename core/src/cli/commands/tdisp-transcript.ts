import { Command, Option } from 'commander';
import { TdispDevice } from '../../device/device.js';
import { DEVICE_PRESETS, type DevicePresetName } from '../../device/presets.js';
import type { TdispResponder } from '../../device/responder.js';
import { type TranscriptEntry, type TranscriptTarget, runTranscript } from '../../transcript/transcript.js';
import { transcriptTable } from '../../transcript/format.js';
import { bdfOf } from '../../model/ids.js';
import { type InterfaceId, interfaceIdOf, pciSigVendorMessage, spdm } from '../../wire/index.js';
import { colorsFor } from '../colors.js';
import { CliError, ExitCode } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { connectPeer, peerError, timeoutOption } from '../peer-option.js';
import type { CommandGroup } from '../program.js';
import { terminalWidth } from './run-inputs.js';

interface TranscriptOptions {
  readonly peer?: string;
  readonly preset: DevicePresetName;
  readonly interface?: string;
  readonly format: 'text' | 'json';
  readonly portion: string;
  readonly timeout: number;
}

/** The built-in device: TDISP straight in, IDE_KM through its SPDM vendor-defined handler. */
function builtIn(preset: DevicePresetName, requesterId: number | undefined): { target: TranscriptTarget; title: string } {
  const device = new TdispDevice(DEVICE_PRESETS[preset]());
  const tdi = device.config.functions.find((f) => (requesterId === undefined ? f.tdi !== false : f.requesterId === requesterId));
  if (!tdi) throw new CliError(`--interface: the ${preset} device has no TDI with requester id 0x${(requesterId ?? 0).toString(16)}`);
  const idekm = (request: Uint8Array) => {
    const answer = spdm.decode(device.handleSpdm(spdm.encode(pciSigVendorMessage('VENDOR_DEFINED_REQUEST', 'IDE_KM', request)))).message;
    return answer.code === 'VENDOR_DEFINED_RESPONSE' ? answer.payload : undefined;
  };
  return {
    target: { tdisp: device, idekm, interfaceId: device.interfaceId(tdi.requesterId) },
    title: `TDISP transcript: built-in ${preset} device, TDI ${bdfOf(tdi.requesterId, device.config.segment ?? 0)}`,
  };
}

function requesterIdOption(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new CliError(`--interface: '${text}' is not a requester id (0..0xffff)`);
  return v;
}

async function peerTarget(address: string, requesterId: number | undefined, timeoutMs: number): Promise<{ target: TranscriptTarget; title: string; responder: TdispResponder }> {
  const interfaceId: InterfaceId = interfaceIdOf(requesterId ?? 0xbeef);
  const { responder } = await connectPeer(address, timeoutMs);
  return { target: { tdisp: responder, interfaceId }, title: `TDISP transcript: peer ${address}, function_id 0x${interfaceId.functionId.requesterId.toString(16)}`, responder };
}

function render(entries: readonly TranscriptEntry[], title: string, format: TranscriptOptions['format'], io: CliIo): string {
  return format === 'json' ? `${JSON.stringify({ title, entries }, null, 2)}\n` : transcriptTable(entries, title, colorsFor(io), terminalWidth(io));
}

/** `teeio tdisp transcript`: the TDISP lifecycle against the built-in device or a peer. */
export const transcriptCommand = (io: CliIo, done: Parameters<CommandGroup>[1]) =>
  new Command('transcript')
    .description('run a full TDISP exchange (IDE keys, version, capabilities, LOCK, report in portions, START, state, STOP) and print each message decoded beside its bytes')
    .option('--peer <host:port>', 'an spdm-emu style responder (DECAP_TDISP) instead of the built-in device')
    .addOption(new Option('--preset <name>', 'the built-in device configuration').choices(Object.keys(DEVICE_PRESETS)).default('default').conflicts('peer'))
    .option('--interface <requester-id>', 'the TDI to lock, by requester id (default: the first TDI; 0xbeef for a peer)')
    .option('--portion <bytes>', 'how many report bytes to ask for at a time', '0x40')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addOption(timeoutOption())
    .action(async (opts: TranscriptOptions) => {
      const requesterId = requesterIdOption(opts.interface);
      const portion = Number(opts.portion);
      if (!Number.isInteger(portion) || portion < 1 || portion > 0xffff) throw new CliError(`--portion: '${opts.portion}' is not a length of 1..0xffff`);
      const { target, title, responder } = opts.peer ? await peerTarget(opts.peer, requesterId, opts.timeout) : { ...builtIn(opts.preset, requesterId), responder: undefined };
      try {
        const entries = await runTranscript(target, portion).catch((e: unknown) => {
          throw peerError(e, opts.peer ?? '');
        });
        io.out(render(entries, title, opts.format, io));
        const unexpected = entries.filter((e) => e.unexpected).length;
        if (unexpected > 0) io.err(`teeio: ${unexpected} response(s) were not the ones the TDISP lifecycle calls for\n`);
        done(unexpected > 0 ? ExitCode.FAILED : ExitCode.OK);
      } finally {
        await responder?.close();
      }
    });
