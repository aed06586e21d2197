import { readFileSync } from 'node:fs';
import * as validators from '../schema/generated/validators.js';
import { SchemaError, precompiledCheck } from '../schema/validator.js';
import { JsonTextError, parseJsonText } from '../util/json-text.js';
import type { TeeioConfig } from './config-schema.js';

export { CONFIG_SCHEMA, type TeeioConfig } from './config-schema.js';

/** The config file the CLI reads from the working directory when no `--config` names one. */
export const CONFIG_FILE_NAME = 'teeio.config.json';

const checkConfig = precompiledCheck<TeeioConfig>(validators.config);

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

function parse(text: string, shownAs: string): unknown {
  try {
    return parseJsonText(text);
  } catch (e) {
    if (!(e instanceof JsonTextError)) throw e;
    throw new ConfigFileError(`${shownAs}:${e.line}:${e.column}`, `not JSON: ${e.reason}`);
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
