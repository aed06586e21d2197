/**
 * Little-endian reads by byte arithmetic: decoding allocates no DataView per message, which
 * cost more than the reads themselves. Callers have checked the bounds.
 */
export const readU16 = (b: Uint8Array, at: number): number => (b[at] as number) | ((b[at + 1] as number) << 8);

export const readU32 = (b: Uint8Array, at: number): number =>
  ((b[at] as number) | ((b[at + 1] as number) << 8) | ((b[at + 2] as number) << 16) | ((b[at + 3] as number) << 24)) >>> 0;

export const readU64 = (b: Uint8Array, at: number): bigint => BigInt(readU32(b, at)) | (BigInt(readU32(b, at + 4)) << 32n);
