/** The JSON Schema of a `Comparison` (`teeio schema compare`). */
const str = { type: 'string' } as const;
const CALL = { type: 'object', additionalProperties: false, required: ['op', 'result'], properties: { op: str, result: str } } as const;
const AFTER = {
  type: 'object',
  additionalProperties: false,
  required: ['tdisp', 'privateMmio', 'hypervisorMmio'],
  properties: { tdisp: str, privateMmio: { type: 'integer', minimum: 0 }, hypervisorMmio: { type: 'boolean' } },
} as const;
const CELL = {
  type: 'object',
  additionalProperties: false,
  required: ['initiator', 'actor', 'result', 'calls', 'after'],
  properties: { initiator: str, actor: str, result: str, calls: { type: 'array', items: CALL }, after: { anyOf: [AFTER, { type: 'null' }] } },
} as const;
const STEP = {
  type: 'object',
  additionalProperties: false,
  required: ['step', 'same', 'cells', 'moved'],
  properties: { step: str, same: { type: 'boolean' }, cells: { type: 'array', items: { anyOf: [CELL, { type: 'null' }] } }, moved: { type: 'array', items: str } },
} as const;

export const COMPARISON_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://teeio.dev/schema/compare.json',
  title: 'teeio compare: one scenario aligned across archs',
  type: 'object',
  additionalProperties: false,
  required: ['scenario', 'seed', 'archs', 'flows', 'verdicts'],
  properties: {
    scenario: str,
    seed: str,
    archs: { type: 'array', items: str },
    flows: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['flow', 'unwinding', 'steps'],
        properties: { flow: { type: ['string', 'null'] }, unwinding: { type: 'boolean' }, steps: { type: 'array', items: STEP } },
      },
    },
    verdicts: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['arch', 'outcome', 'stoppedBy'],
        properties: { arch: str, outcome: { enum: ['pass', 'fail'] }, stoppedBy: { type: ['string', 'null'] } },
      },
    },
  },
} as const;
