/**
 * The rule switches every arch model shares. A plugin lists the ordering and ownership rules
 * its model enforces, by id, each guarded by `enforces(id)`; a run may switch some off
 * ("ablate" them) to show what each one prevents, which is how the tests prove that each test
 * of a rule depends on it and how the behaviour matrix shows which cell a rule decides.
 */

/** Options of an arch model for one run. */
export interface ModelOptions<RuleId extends string> {
  /** Rules the model does not enforce in this run (to see what each one prevents). */
  readonly ablate: readonly RuleId[];
}

/** Every rule enforced: what a plugin registers unless a run asks otherwise. */
export const ENFORCE_ALL: ModelOptions<never> = Object.freeze({ ablate: Object.freeze([]) });

/** The ids of a plugin's rule table (`{ id: 'what it refuses [source]' }`), in table order. */
export const ruleIdsOf = <Rules extends Record<string, string>>(rules: Rules): (keyof Rules & string)[] => Object.keys(rules);

/** Which of a model's rules are on in one run. */
export class RuleSwitches<RuleId extends string> {
  private readonly ablated: ReadonlySet<RuleId>;

  constructor(options: ModelOptions<RuleId>) {
    this.ablated = new Set(options.ablate);
  }

  /** Whether the model enforces `rule` in this run (all do, unless the run ablates some). */
  enforces(rule: RuleId): boolean {
    return !this.ablated.has(rule);
  }
}
