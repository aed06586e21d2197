/** @teeio/arch-tdx: the plugin lands with its issue; this package exists so the workspace layout is final. */
export const ARCH_ID = 'tdx';
