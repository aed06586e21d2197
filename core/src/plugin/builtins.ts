/**
 * The built-in plugins by arch id. The core knows them only as package names: it imports them
 * by specifier at startup like any other plugin, never statically.
 */
export const BUILTIN_PLUGINS = {
  tdx: '@teeio/arch-tdx',
  'sev-tio': '@teeio/arch-sev-tio',
  cca: '@teeio/arch-cca',
} as const;
export type BuiltinArch = keyof typeof BUILTIN_PLUGINS;
export const BUILTIN_ARCHES = Object.keys(BUILTIN_PLUGINS) as BuiltinArch[];

export function isBuiltinArch(id: string): id is BuiltinArch {
  return Object.hasOwn(BUILTIN_PLUGINS, id);
}
