import { DEVICE_PRESETS, type DevicePresetName } from '../../device/presets.js';
import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_SPDM_EMU_PORT, SpdmEmuError, formatPeerAddress, serveSpdmEmu } from '../../transport/index.js';
import { withSampleInterfaceContext } from '../../device/spdm-emu-sample-context.js';
import type { TdispResponder } from '../../device/responder.js';
import { tdispOnlyDevice } from '../../validator/index.js';
import { CliError, ExitCode } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import type { CommandGroup } from '../program.js';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 0xffff) throw new InvalidArgumentError('expected a TCP port, 0..65535 (0 picks a free one)');
  return port;
}

/** Resolves on the first SIGINT or SIGTERM (Ctrl-C, kill): the server then closes cleanly. */
function untilStopped(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/**
 * The device a connection talks to. The spdm-emu-sample preset also keeps the sample's one
 * interface context (GET_TDISP_VERSION first); every other preset follows the spec.
 */
function presetResponder(preset: DevicePresetName): TdispResponder {
  const device = tdispOnlyDevice(preset);
  return preset === 'spdm-emu-sample' ? withSampleInterfaceContext(device) : device;
}

interface ServeOptions {
  port: number;
  host: string;
  multi?: boolean;
  preset: DevicePresetName;
}

export const serveCommand = (io: CliIo, done: Parameters<CommandGroup>[1]) =>
  new Command('serve')
    .description(
      "serve the simulated device behind spdm-emu's socket protocol, as `spdm_responder_emu --trans PCI_DOE --decap_tdisp` does: " +
        'DECAP_TDISP carries raw TDISP, TEST answers "Server Hello!", SHUTDOWN ends that connection (the server keeps listening); ' +
        'each connection gets a fresh device; Ctrl-C stops. With --preset spdm-emu-sample the device also answers as the sample does ' +
        '(an interface is known only after a GET_TDISP_VERSION for it, which re-initialises it); other presets follow the TDISP spec',
    )
    .addOption(new Option('--port <n>', 'TCP port; 0 picks a free one').argParser(parsePort).default(DEFAULT_SPDM_EMU_PORT))
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--multi', 'serve several connections at once (by default one at a time, like the reference; later ones wait)')
    .addOption(new Option('--preset <name>', 'the device configuration').choices(Object.keys(DEVICE_PRESETS)).default('spdm-emu-sample'))
    .action(async (opts: ServeOptions) => {
      const say = (line: string) => io.err(`teeio tdisp serve: ${line}\n`);
      const server = await serveSpdmEmu({
        host: opts.host,
        port: opts.port,
        multi: opts.multi ?? false,
        responderFor: () => presetResponder(opts.preset),
        log: say,
      }).catch((e: unknown) => {
        throw e instanceof SpdmEmuError ? new CliError(`--host/--port: ${e.message}`) : e;
      });
      // Listen for the signals before announcing the address: a client may signal right after.
      const stopped = untilStopped();
      const mode = opts.multi ? 'connections served concurrently' : 'one connection at a time';
      io.out(`teeio tdisp serve: listening on ${formatPeerAddress(server.address)} (device preset ${opts.preset}; ${mode})\n`);
      if (!LOOPBACK.test(opts.host)) say('warning: listening beyond loopback; the simulated device has no access control');
      await stopped;
      await server.close();
      say('stopped');
      done(ExitCode.OK);
    });
