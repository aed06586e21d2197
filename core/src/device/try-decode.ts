import { WireDecodeError } from '../wire/index.js';

/** What `decode` returns, or undefined when it rejects the bytes; any other error is a bug and propagates. */
export function tryDecode<T>(decode: () => T): T | undefined {
  try {
    return decode();
  } catch (e) {
    if (e instanceof WireDecodeError) return undefined;
    throw e;
  }
}
