// Each teardown-order rule of rules.ts: with it the TSM refuses the wrong order with the rule's
// SBI error; switched off, the kit sees the wrong order carried out or caught, never refused.
import { runConformance } from '@teeio/core';
import { describe, expect, it } from 'vitest';
import { type RuleId, withModelOptions } from '../src/index.js';

/**
 * The kit's wrong order each rule decides, the refusal the rule gives it, and the other rule that
 * also refuses it (an unbind before STOP still has its ranges mapped).
 */
const TEARDOWN_RULES: readonly (readonly [RuleId, string, string, RuleId[]])[] = [
  ['unbind-requires-stopped', 'unbind before stop', 'refused (tsm.unbind SBI_ERR_INVALID_STATE)', ['unbind-requires-unmapped']],
  ['destroy-requires-unbound', 'VM destroy with a bound TDI', 'refused (vm.destroy SBI_ERR_DENIED)', []],
  ['disconnect-requires-unbound', 'disconnect with a bound TDI', "refused (the tsm port's disconnect: SBI_ERR_DENIED)", []],
];

const wrongOrders = async (ablate: readonly RuleId[]): Promise<string> => {
  const report = await runConformance(withModelOptions({ ablate }), { only: ['wrong-orders'] });
  return report.checks[0]?.detail ?? '';
};

describe('teardown rules of the CoVE-IO TSM', () => {
  it.each(TEARDOWN_RULES)('%s: refuses "%s" with its code, and only while enforced', async (rule, order, refusal, alsoRefusing) => {
    expect(await wrongOrders([])).toContain(`${order}: ${refusal}`);
    if (alsoRefusing.length > 0) expect(await wrongOrders([rule])).not.toContain(`${order}: ${refusal}`);
    const without = await wrongOrders([rule, ...alsoRefusing]);
    expect(without).toContain(`${order}: `);
    expect(without).not.toContain(`${order}: refused`);
  });
});
