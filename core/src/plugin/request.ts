import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { BUILTIN_ARCHES, BUILTIN_PLUGINS, type BuiltinArch } from './builtins.js';
import { CONFIG_FILE_NAME, readConfigFile } from './config-file.js';
import { type PluginSpecifier, resolveSpecifier } from './specifier.js';

/** Where the user asked for plugins: the CLI's `--plugin`, `--arch` and `--config`. */
export interface PluginSources {
  readonly plugins?: readonly string[];
  readonly arch?: readonly BuiltinArch[];
  /** A config file; without it, `teeio.config.json` in `cwd` is read if there is one. */
  readonly config?: string;
}

/** The plugins to load, in order, each once. */
export interface LoadRequest {
  readonly plugins: readonly PluginSpecifier[];
}

/** A built-in is a package name, which needs no resolving. */
function builtin(arch: BuiltinArch): PluginSpecifier {
  return { given: BUILTIN_PLUGINS[arch], importable: BUILTIN_PLUGINS[arch] };
}

/** The config file's plugins: the file `--config` names, else `teeio.config.json` in `cwd` if any. */
function fromConfig(config: string | undefined, cwd: string): PluginSpecifier[] {
  const shownAs = config ?? CONFIG_FILE_NAME;
  const path = resolve(cwd, shownAs);
  if (config === undefined && !existsSync(path)) return [];
  const file = readConfigFile(path, shownAs);
  // Paths in a config file mean the same wherever teeio is started from.
  const base = dirname(path);
  return [...(file.arch ?? []).map(builtin), ...(file.plugins ?? []).map((p) => resolveSpecifier(p, base))];
}

/** One specifier per module: the same file named twice (relative, absolute, URL) loads once. */
function distinct(specifiers: readonly PluginSpecifier[]): PluginSpecifier[] {
  const seen = new Set<string>();
  return specifiers.filter((s) => {
    if (seen.has(s.importable)) return false;
    seen.add(s.importable);
    return true;
  });
}

/**
 * The load request for `sources`: the config file's plugins, then `--arch`, then `--plugin`;
 * paths on the command line are relative to `cwd`. Asking for nothing means every built-in.
 * Throws ConfigFileError for a config file that cannot be used.
 */
export function buildLoadRequest(sources: PluginSources, cwd: string): LoadRequest {
  const plugins = distinct([
    ...fromConfig(sources.config, cwd),
    ...(sources.arch ?? []).map(builtin),
    ...(sources.plugins ?? []).map((p) => resolveSpecifier(p, cwd)),
  ]);
  return { plugins: plugins.length > 0 ? plugins : BUILTIN_ARCHES.map(builtin) };
}
