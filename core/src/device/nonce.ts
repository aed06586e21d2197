import { SeededRandom } from '../util/seeded-random.js';
import { START_INTERFACE_NONCE_SIZE } from '../wire/index.js';
import type { DeviceState } from './state.js';

/**
 * A fresh start_interface_nonce from the device's seeded generator, or undefined when an injected
 * entropy failure is pending (LOCK then answers INSUFFICIENT_ENTROPY, as [E] does). A failed
 * draw consumes no randomness, so the nonces after it are the ones a healthy run would get.
 */
export function drawNonce(state: DeviceState): Uint8Array | undefined {
  if (state.entropyFailures > 0) {
    state.entropyFailures--;
    return undefined;
  }
  const rng = new SeededRandom(state.rng);
  const nonce = rng.bytes(START_INTERFACE_NONCE_SIZE);
  state.rng = rng.state();
  return nonce;
}
