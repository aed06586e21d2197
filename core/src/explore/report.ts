import { SCENARIO_SCHEMA } from '../scenario/schema.js';
import { type ReachRow, reachTable } from './reach.js';
import { DEVICE_STEP_SCHEMA } from './device-model-schema.js';
import type { ExploreResult, TraceStep } from './result.js';

/** `teeio explore --format json`: one document, for one arch or several. */
export interface ExploreReport {
  readonly model: string;
  readonly archs: readonly string[];
  readonly results: readonly ExploreResult<TraceStep>[];
  readonly reach: readonly ReachRow[];
}

export const exploreReport = (model: string, results: readonly ExploreResult<TraceStep>[]): ExploreReport => ({
  model,
  archs: results.map((r) => r.arch),
  results,
  reach: reachTable(results),
});

const count = { type: 'integer', minimum: 0 };
/** A scenario action (scenario models) or a TDI's event (device models). */
const trace = { type: 'array', items: { anyOf: [SCENARIO_SCHEMA.properties.steps.items, DEVICE_STEP_SCHEMA] } };
const object = (properties: Record<string, unknown>, optional: readonly string[] = []) => ({
  type: 'object',
  properties,
  required: Object.keys(properties).filter((k) => !optional.includes(k)),
  additionalProperties: false,
});
const text = { type: 'string' };

/** The JSON Schema of `teeio explore --format json` (`teeio schema explore`). */
export const EXPLORE_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://teeio.dev/schema/explore.json',
  title: 'teeio explore result',
  ...object({
    model: text,
    archs: { type: 'array', items: text },
    results: {
      type: 'array',
      items: object(
        {
          arch: text,
          plugin: text,
          model: text,
          seed: text,
          reduction: { type: 'boolean' },
          transitions: count,
          states: count,
          depth: count,
          complete: { type: 'boolean' },
          violations: {
            type: 'array',
            items: object({ invariant: text, number: count, step: text, message: text, objects: { type: 'array', items: text }, depth: count, trace }),
          },
          deadlocks: count,
          deadlock: object({ depth: count, trace }),
          firmwareErrors: { type: 'array', items: object({ code: text, op: text, depth: count, trace }) },
          stats: object({ seconds: { type: 'number' }, statesPerSecond: count, bytesPerState: count, workers: count }),
        },
        ['deadlock'],
      ),
    },
    reach: {
      type: 'array',
      items: object({ kind: { enum: ['invariant', 'deadlock', 'firmware-error'] }, name: text, depth: { type: 'object', additionalProperties: { anyOf: [count, { type: 'null' }] } } }),
    },
  }),
} as const;
