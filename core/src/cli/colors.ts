import picocolors from 'picocolors';
import type { CliIo } from './io.js';

export type Colors = ReturnType<typeof picocolors.createColors>;

/** Colours only where picocolors finds a colour terminal and the command's NO_COLOR is unset. */
export const colorsFor = (io: CliIo): Colors => picocolors.createColors(picocolors.isColorSupported && !io.env['NO_COLOR']);

