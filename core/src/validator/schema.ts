/** The JSON Schema of `teeio tdisp validate --format json` (`teeio schema validate`). */
const str = { type: 'string' } as const;
const hex = { type: 'string', pattern: '^([0-9a-f]{2})*$' } as const;
const count = { type: 'integer', minimum: 0 } as const;

const CHECK = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'rule', 'status'],
  properties: { id: str, rule: str, status: { enum: ['pass', 'fail', 'advisory', 'not-applicable'] }, source: str, reason: str, request: hex, response: hex },
} as const;

export const VALIDATE_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://teeio.dev/schema/validate.json',
  title: 'teeio tdisp validate: each check of a TDISP responder, and the error that ended the run early if one did',
  type: 'object',
  additionalProperties: false,
  required: ['target', 'checks', 'summary'],
  properties: {
    target: str,
    checks: { type: 'array', items: CHECK },
    summary: {
      type: 'object',
      additionalProperties: false,
      required: ['passed', 'failed', 'advisories', 'notApplicable'],
      properties: { passed: count, failed: count, advisories: count, notApplicable: count },
    },
    error: str,
  },
} as const;
