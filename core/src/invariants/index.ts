import { acceptOnlyFreshEvidence } from './accept-only-fresh-evidence.js';
import { hostCannotTouchPrivateMmio } from './host-cannot-touch-private-mmio.js';
import type { Invariant } from './invariant.js';
import { noFatalFirmwareError } from './no-fatal-firmware-error.js';
import { noLeaks } from './no-leaks.js';
import { noStaleMappingAfterReset } from './no-stale-mapping-after-reset.js';
import { privateMmioOnlyInBoundVm } from './private-mmio-only-in-bound-vm.js';
import { t1DmaOnlyWhenEnabled } from './t1-dma-only-when-enabled.js';
import { vmDestroyedAfterUnbind } from './vm-destroyed-after-unbind.js';

/** The invariants of PRODUCT.md, in its order. */
export const INVARIANTS: readonly Invariant[] = [
  hostCannotTouchPrivateMmio,
  privateMmioOnlyInBoundVm,
  t1DmaOnlyWhenEnabled,
  acceptOnlyFreshEvidence,
  noFatalFirmwareError,
  noLeaks,
  noStaleMappingAfterReset,
  vmDestroyedAfterUnbind,
];

export type { Breach, Invariant } from './invariant.js';
