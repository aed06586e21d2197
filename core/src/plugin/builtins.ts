/**
 * The built-in plugins by arch id. The core knows them only as package names: it imports them
 * by specifier at startup like any other plugin, never statically. `@teeio/arch-cca` joins when
 * its RMM model exists; an empty package here would make every default run refuse it.
 */
export const BUILTIN_PLUGINS = {
  tdx: '@teeio/arch-tdx',
  'sev-tio': '@teeio/arch-sev-tio',
} as const;
export type BuiltinArch = keyof typeof BUILTIN_PLUGINS;
export const BUILTIN_ARCHES = Object.keys(BUILTIN_PLUGINS) as BuiltinArch[];

export function isBuiltinArch(id: string): id is BuiltinArch {
  return Object.hasOwn(BUILTIN_PLUGINS, id);
}
