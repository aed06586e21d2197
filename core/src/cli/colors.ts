import { WriteStream } from 'node:tty';
import picocolors from 'picocolors';
import type { CliIo } from './io.js';

export type Colors = ReturnType<typeof picocolors.createColors>;

/** What decides colour: the command's environment, whether stdout is a terminal, and the flag. */
export type ColorInputs = Pick<CliIo, 'env' | 'stdoutIsTTY' | 'color'>;

/**
 * Node's own reading of the environment (NO_COLOR, FORCE_COLOR, NODE_DISABLE_COLORS, TERM), for
 * the given env rather than process.env. `hasColors` reads only its env, never the stream.
 */
const nodeHasColors = (env: ColorInputs['env']): boolean => WriteStream.prototype.hasColors(env as NodeJS.ProcessEnv);

/**
 * `--color` / `--no-color` win; on a terminal, Node decides; on a pipe or file, colour only when
 * FORCE_COLOR asks for it (Node: '', 1, true, 2, 3) — a CI variable is not a terminal.
 */
export function colorEnabled(io: ColorInputs): boolean {
  if (io.color !== undefined) return io.color;
  if (io.stdoutIsTTY === true) return nodeHasColors(io.env);
  return io.env['FORCE_COLOR'] !== undefined && nodeHasColors(io.env);
}

export const colorsFor = (io: ColorInputs): Colors => picocolors.createColors(colorEnabled(io));
