import { ScenarioDriver } from '../../scenario/driver.js';
import type { WorldSnapshot } from '../../world/world.js';
import { type ConformanceCheck, findings } from '../check.js';
import { drive, endOf, guard } from '../drive.js';
import { lifecycleExample } from '../examples.js';

/**
 * Snapshot, restore and hash agree: restoring the world saved after any action of the lifecycle
 * hashes as it did then, and the run continued from there ends in the state (hash) the
 * uninterrupted run ends in. A firmware model whose snapshot misses part of its state, or that
 * keeps state outside it, ends elsewhere.
 */
export const snapshotCheck: ConformanceCheck = {
  id: 'snapshot',
  title: 'snapshot, restore and hash agree at every action of the lifecycle',
  needsPlugin: true,
  run({ parent }, plugin) {
    const s = lifecycleExample();
    const saved: { snapshot: WorldSnapshot; hash: string }[] = [];
    const whole = drive(s, plugin, parent, { after: (d) => saved.push({ snapshot: d.w.snapshot(), hash: d.w.hash() }) });
    const end = endOf(whole);
    if (end) return findings([`the lifecycle itself fails: ${end}`], '');
    const final = whole.d.w.hash();
    const problems = saved.flatMap(({ snapshot, hash }, i) => {
      const at = i === 0 ? 'after the VMs were created' : `after /steps/${i - 1}`;
      const d = new ScenarioDriver(s, plugin, parent);
      d.w.restore(snapshot);
      if (d.w.hash() !== hash) return [`${at}: the restored world hashes differently from the one saved`];
      const rest = guard(d, () => s.steps.slice(i).forEach((a, j) => d.act(a, `/steps/${i + j}`)));
      const restEnd = endOf(rest);
      if (restEnd) return [`${at}: continued from the restored world: ${restEnd}`];
      return d.w.hash() === final ? [] : [`${at}: continued from the restored world, the run ends in another state (the firmware's snapshot misses part of its state)`];
    });
    return findings(problems, `${saved.length} snapshots restored and continued`);
  },
};
