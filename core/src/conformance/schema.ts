import { REFUSAL_REASONS } from '../plugin/refusal.js';

/** JSON Schema of `teeio conformance --format json` (a ConformanceReport). */
export const CONFORMANCE_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'teeio conformance report',
  type: 'object',
  properties: {
    plugin: { type: 'string', minLength: 1 },
    arch: { type: 'string' },
    firmware: { type: 'string' },
    outcome: { enum: ['pass', 'fail'] },
    refused: {
      type: 'object',
      properties: { reason: { enum: REFUSAL_REASONS }, message: { type: 'string' } },
      required: ['reason', 'message'],
      additionalProperties: false,
    },
    checks: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string', pattern: '^[a-z][a-z0-9-]*$' },
          title: { type: 'string', minLength: 1 },
          outcome: { enum: ['pass', 'fail'] },
          detail: { type: 'string' },
          findings: { type: 'array', items: { type: 'string' } },
        },
        required: ['id', 'title', 'outcome', 'detail', 'findings'],
        additionalProperties: false,
      },
    },
  },
  required: ['plugin', 'outcome', 'checks'],
  additionalProperties: false,
} as const;
