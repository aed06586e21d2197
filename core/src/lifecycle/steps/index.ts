import type { StepName } from '../vocabulary.js';
import { firmwareSteps } from './firmware-steps.js';
import { guestSteps } from './guest-steps.js';
import { iommufdSteps } from './iommufd-steps.js';
import { kvmSteps } from './kvm-steps.js';
import type { StepImpl } from './step.js';
import { tsmSteps } from './tsm-steps.js';
import { vfioSteps } from './vfio-steps.js';
import { vmSteps } from './vm-steps.js';

/** Every step of the vocabulary, implemented once for all archs. */
export const STEP_IMPLS: Readonly<Record<StepName, StepImpl>> = {
  ...vmSteps,
  ...tsmSteps,
  ...vfioSteps,
  ...iommufdSteps,
  ...kvmSteps,
  ...firmwareSteps,
  ...guestSteps,
};
