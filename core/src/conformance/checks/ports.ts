import { PluginRefusal } from '../../plugin/refusal.js';
import { PORTS } from '../../ports/tokens.js';
import { type ConformanceCheck, findings, passed } from '../check.js';
import { declarationRefusal } from './declaration.js';

/**
 * register() registers all four ports and the firmware state, synchronously, and each class
 * constructs in an empty world: the plugin host's start-up checks, whose refusals this reports.
 */
export const portsCheck: ConformanceCheck = {
  id: 'ports',
  title: 'register() provides all four ports and the firmware state, and each constructs',
  needsPlugin: false,
  run({ admitted }) {
    if (!(admitted instanceof PluginRefusal)) return passed(`${Object.keys(PORTS).join(', ')} and FIRMWARE_STATE registered and constructed`);
    if (declarationRefusal(admitted)) return findings([`not run: the declaration check failed (${admitted.reason})`], '');
    return findings([`${admitted.reason}: ${admitted.problem}`], '');
  },
};
