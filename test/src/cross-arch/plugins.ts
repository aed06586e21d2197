import { fileURLToPath } from 'node:url';
import { type LoadedPlugin, type Scenario, examplesIn, loadScenario } from '@teeio/core';
import { ccaPlugin } from '../arch-cca/harness.js';
import { SEV } from '../arch-sev-tio/harness.js';
import { tdxPlugin } from '../arch-tdx/harness.js';

export const EXAMPLES = fileURLToPath(new URL('../../../examples/', import.meta.url));

/** The three built-in archs as the host loads them, in the order `teeio compare` shows them. */
export const ARCHS: readonly LoadedPlugin[] = [tdxPlugin(), SEV, ccaPlugin()];

export const lifecycle = (): Scenario => loadScenario(`${EXAMPLES}lifecycle.json`);

let examples: Scenario[] | undefined;
/** Every example scenario, loaded once. */
export const allExamples = (): Scenario[] => (examples ??= examplesIn(EXAMPLES));
