import { ENFORCE_ALL, type InjectionToken, type ModelOptions as CoreModelOptions, ruleIdsOf } from '@teeio/core';

/**
 * The ordering rules the firmware model enforces, by id, each with the code it returns and its
 * source. Each is one check guarded by `enforces(id)` (firmware/firmware.ts), so a run can switch
 * it off and a test can show what the rule prevents.
 */
export const RULES = {
  'bind-requires-connected': 'binding a TDI whose device has no secure session gets ERROR_STATE [TODO: cite the section]',
} as const;

export type RuleId = keyof typeof RULES;
export const RULE_IDS = ruleIdsOf(RULES);

/** Options of the firmware model for one run: the rules it does not enforce. */
export type ModelOptions = CoreModelOptions<RuleId>;

export const MODEL_OPTIONS: InjectionToken<ModelOptions> = Symbol.for('__PACKAGE__.model-options');
export const DEFAULT_MODEL_OPTIONS: ModelOptions = ENFORCE_ALL;
