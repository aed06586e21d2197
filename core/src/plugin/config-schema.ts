import { BUILTIN_ARCHES, type BuiltinArch } from './builtins.js';

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
