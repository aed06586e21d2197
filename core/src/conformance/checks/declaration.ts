import { PluginRefusal, type RefusalReason } from '../../plugin/refusal.js';
import { type ConformanceCheck, findings, passed } from '../check.js';

/** Refusals about what register() registers and constructs; any other is about the module and its declaration. */
export const PORT_REFUSALS: readonly RefusalReason[] = ['missing-port', 'missing-port-method', 'register-threw', 'register-async', 'construction-threw'];

/** The refusal, when it is about the module or its declaration. */
export const declarationRefusal = (admitted: unknown): PluginRefusal | undefined =>
  admitted instanceof PluginRefusal && !PORT_REFUSALS.includes(admitted.reason) ? admitted : undefined;

/** The module loads and its declaration passes the schema, the core API range and the ports it must provide. */
export const declarationCheck: ConformanceCheck = {
  id: 'declaration',
  title: 'the module loads and its declaration is valid',
  needsPlugin: false,
  run({ admitted }) {
    const refused = declarationRefusal(admitted);
    if (refused) return findings([`${refused.reason}: ${refused.problem}`], '');
    if (admitted instanceof PluginRefusal) return passed('the declaration is valid');
    const d = admitted.declaration;
    return passed(`${d.name} ${d.version}: arch ${d.arch}, firmware ${d.firmware.name}, core API ${d.coreApi}`);
  },
};
