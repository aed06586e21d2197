import { readFileSync } from 'node:fs';
import { SchemaError, compileSchema } from '../schema/validator.js';
import { BUILTIN_ARCHES, type BuiltinArch } from './builtins.js';

/** The config file the CLI reads from the working directory when no `--config` names one. */
export const CONFIG_FILE_NAME = 'teeio.config.json';

/** `teeio.config.json`: which plugins to load. Relative paths are relative to the file. */
export interface TeeioConfig {
  /** Plugin specifiers: package names, paths, file URLs. */
  readonly plugins?: readonly string[];
  /** Built-in plugins by arch id. */
  readonly arch?: readonly BuiltinArch[];
}

export const CONFIG_SCHEMA = {
  type: 'object',
  properties: {
    plugins: { type: 'array', items: { type: 'string', minLength: 1 } },
    arch: { type: 'array', items: { enum: BUILTIN_ARCHES } },
  },
  additionalProperties: false,
} as const;

const checkConfig = compileSchema<TeeioConfig>(CONFIG_SCHEMA);

/** A config file that cannot be read, parsed or accepted; the message names the file. */
export class ConfigFileError extends Error {
  override readonly name = 'ConfigFileError';
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`config ${file}: ${problem}`);
  }
}

/** V8 reports where JSON broke as a character offset; people look for a line and column. */
function withLineColumn(message: string, text: string): string {
  const at = /at position (\d+)/.exec(message);
  if (!at) return message;
  const before = text.slice(0, Number(at[1])).split('\n');
  return `${message} (line ${before.length} column ${(before.at(-1)?.length ?? 0) + 1})`;
}

function parse(text: string, shownAs: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ConfigFileError(shownAs, `invalid JSON: ${withLineColumn((e as Error).message, text)}`);
  }
}

/** Reads and checks the config file at `path`; `shownAs` is how messages name it. */
export function readConfigFile(path: string, shownAs: string): TeeioConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigFileError(shownAs, `cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const value = parse(text, shownAs);
  try {
    return checkConfig(value);
  } catch (e) {
    if (e instanceof SchemaError) throw new ConfigFileError(shownAs, e.message);
    throw e;
  }
}
