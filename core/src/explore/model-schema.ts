import { INVARIANTS } from '../invariants/index.js';
import { SCENARIO_SCHEMA } from '../scenario/schema.js';
import { DEVICE_MODEL_SCHEMA } from './device-model-schema.js';

const scenario = SCENARIO_SCHEMA.properties;
/** How often an event, or a group's actions together, may fire per path. */
const max = { type: 'integer', minimum: 1, maximum: 16 } as const;

/** A scenario model: platform and actions as in a scenario. */
export const SCENARIO_MODEL_SCHEMA = {
  description:
    'A platform, VMs and assignments; actions run in order first (init); events that may then fire in any order, each at most max times per path (a group: its actions together); a fault plan; the invariants to check.',
  type: 'object',
  properties: {
    $schema: { type: 'string' },
    name: scenario.name,
    description: { type: 'string' },
    seed: scenario.seed,
    platform: scenario.platform,
    vms: scenario.vms,
    assign: scenario.assign,
    flrPolicy: scenario.flrPolicy,
    faults: scenario.faults,
    init: { type: 'array', items: scenario.steps.items },
    events: {
      type: 'array',
      minItems: 1,
      items: {
        anyOf: [
          { type: 'object', properties: { action: scenario.steps.items, max }, required: ['action'], additionalProperties: false },
          { type: 'object', properties: { oneOf: { type: 'array', minItems: 2, items: scenario.steps.items }, max }, required: ['oneOf'], additionalProperties: false },
        ],
      },
    },
    invariants: { type: 'array', items: { enum: INVARIANTS.map((i) => i.id) }, uniqueItems: true },
    deadlock: { type: 'boolean' },
  },
  required: ['name', 'platform', 'vms', 'assign', 'events'],
  additionalProperties: false,
} as const;

/**
 * The JSON Schema of a model file (`teeio schema model`): a device model when "world" is
 * "device", a scenario model otherwise. load-model.ts checks each kind with its own branch, so
 * an error names the field of the kind meant.
 */
export const MODEL_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://teeio.dev/schema/model.json',
  title: 'teeio explore model',
  if: { type: 'object', properties: { world: { const: 'device' } }, required: ['world'] },
  then: DEVICE_MODEL_SCHEMA,
  else: SCENARIO_MODEL_SCHEMA,
} as const;
