import type { ConformanceCheck } from '../check.js';
import { declarationCheck } from './declaration.js';
import { determinismCheck } from './determinism.js';
import { archExamplesCheck, examplesCheck } from './examples.js';
import { failNthCheck } from './fail-nth.js';
import { plansCheck } from './plans.js';
import { portsCheck } from './ports.js';
import { snapshotCheck } from './snapshot.js';
import { wrongOrdersCheck } from './wrong-orders.js';

/** The kit's checks, in the order they run and are reported: the cheap and basic ones first. */
export const CHECKS: readonly ConformanceCheck[] = [
  declarationCheck,
  portsCheck,
  plansCheck,
  examplesCheck,
  archExamplesCheck,
  wrongOrdersCheck,
  failNthCheck,
  snapshotCheck,
  determinismCheck,
];
