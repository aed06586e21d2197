import { type ConformanceCheck, findings } from '../check.js';
import { isArchNeutral, kitExamples } from '../examples.js';
import { tryRun } from './examples.js';

/** A seed no example uses, run in between so that state one run leaves behind shows in the next. */
const OTHER_SEED = 'teeio-conformance-interleaved';

/**
 * Same inputs and seed, byte-identical report (trace included): each arch-neutral example runs
 * twice, with a run under another seed in between; a model that draws randomness from anywhere
 * but the seeded source, or keeps state across runs, differs.
 */
export const determinismCheck: ConformanceCheck = {
  id: 'determinism',
  title: 'the trace is byte-identical under a seed',
  needsPlugin: true,
  run({ parent }, plugin) {
    const examples = kitExamples().filter((e) => isArchNeutral(e.file));
    const problems = examples.flatMap(({ file, scenario }) => {
      const text = () => JSON.stringify(tryRun(scenario, plugin, parent));
      const first = text();
      tryRun(scenario, plugin, parent, OTHER_SEED);
      return text() === first ? [] : [`${file}: a second run with the same seed differs`];
    });
    return findings(problems, `${examples.length} examples run twice`);
  },
};
