import { hash } from 'node:crypto';

/** The whole state of a SeededRandom: restoring it resumes the same stream. */
export interface SeededRandomState {
  readonly seed: string;
  readonly counter: number;
}

/**
 * Deterministic randomness for nonces and choices: block i of the stream is
 * SHA-256(seed ‖ i). Same seed, same bytes, on every machine; the state is two plain values,
 * so a world that contains it snapshots and hashes canonically.
 */
export class SeededRandom {
  private counter: number;
  readonly seed: string;

  constructor(seed: string | number | SeededRandomState) {
    if (typeof seed === 'object') {
      this.seed = seed.seed;
      this.counter = seed.counter;
    } else {
      this.seed = String(seed);
      this.counter = 0;
    }
  }

  /** `n` bytes; each call consumes whole 32-byte blocks so calls never share a block. */
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let at = 0; at < n; at += 32) {
      // The one-shot hash, its digest as a 'binary' (latin1) string, one char per byte: a Hash
      // object, or a Buffer made for the digest, cost more than hashing (2 blocks per nonce).
      const block = hash('sha256', `${this.seed}\u0000${this.counter++}`, 'binary');
      const end = Math.min(32, n - at);
      for (let i = 0; i < end; i++) out[at + i] = block.charCodeAt(i);
    }
    return out;
  }

  /** A uniform integer in [0, bound). */
  int(bound: number): number {
    const b = this.bytes(8);
    const v = new DataView(b.buffer).getBigUint64(0, true);
    return Number(v % BigInt(bound));
  }

  state(): SeededRandomState {
    return { seed: this.seed, counter: this.counter };
  }

  /** Resumes the stream of another generator of the same seed. */
  restore(state: SeededRandomState): void {
    if (state.seed !== this.seed) throw new RangeError(`cannot restore seed '${state.seed}' into a generator of seed '${this.seed}'`);
    this.counter = state.counter;
  }
}
