import type { DependencyContainer } from 'tsyringe';
import type { FaultKind } from '../../faults/fault-plan.js';
import type { LoadedPlugin } from '../../plugin/loaded-plugin.js';
import type { Scenario } from '../../scenario/scenario.js';
import { type ConformanceCheck, findings } from '../check.js';
import { drive, endOf, leftovers } from '../drive.js';
import { lifecycleExample } from '../examples.js';

/** The kinds swept: every firmware call and every DOE exchange the lifecycle makes. */
const KINDS: readonly FaultKind[] = ['firmware', 'doe'];

/** Problems of the lifecycle run with the `nth` call of `kind` failing. */
function oneFault(s: Scenario, plugin: LoadedPlugin, parent: DependencyContainer, kind: FaultKind, nth: number): string[] {
  const r = drive({ ...s, faults: [{ kind, nth }] }, plugin, parent);
  const w = r.d.w;
  const failed = kind === 'firmware' ? w.tracer.entries.filter((e) => e.actor === 'firmware')[nth - 1] : undefined;
  const where = `${kind}#${nth}${failed ? ` (${failed.op})` : ''}`;
  const end = endOf(r);
  if (end) return [`${where}: ${end}`];
  const problems: string[] = [];
  const expected = plugin.declaration.firmware.injectedFailure;
  if (failed && failed.result !== expected) problems.push(`${where}: answered ${failed.result}, not the declared injected failure ${expected}`);
  return [...problems, ...leftovers(w).map((l) => `${where}: ${l} leaked`)];
}

/**
 * fail_nth over the lifecycle, like the kernel's: each firmware call, then each DOE exchange,
 * fails once in turn (the call with the declaration's `injectedFailure` status, the exchange
 * with -EIO). Each run must survive or unwind it with no invariant broken at any step, and end
 * with nothing left in the firmware or locked on the device.
 */
export const failNthCheck: ConformanceCheck = {
  id: 'fail-nth',
  title: 'fail_nth over every firmware call and DOE exchange of the lifecycle unwinds cleanly, nothing leaked',
  needsPlugin: true,
  run({ parent }, plugin) {
    const s = lifecycleExample();
    const clean = drive(s, plugin, parent);
    const cleanEnd = endOf(clean);
    if (cleanEnd) return findings([`the lifecycle itself fails: ${cleanEnd}`], '');
    const counts = KINDS.map((k) => [k, clean.d.w.faults.count(k)] as const);
    const faulted = counts.flatMap(([kind, n]) => Array.from({ length: n }, (_, i) => oneFault(s, plugin, parent, kind, i + 1)).flat());
    const problems = [...leftovers(clean.d.w).map((l) => `without faults: ${l} leaked`), ...faulted];
    return findings(problems, counts.map(([k, n]) => `${n} ${k === 'doe' ? 'DOE exchanges' : 'firmware calls'}`).join(', '));
  },
};
