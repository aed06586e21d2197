/**
 * The JSON Schema of `teeio tdisp transcript --format json` (`teeio schema transcript`). Each
 * entry's `json` is the message as `teeio tdisp decode` prints that layer (`teeio schema decode`).
 */
export const TRANSCRIPT_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://teeio.dev/schema/transcript.json',
  title: 'teeio tdisp transcript: each TDISP and IDE_KM message decoded beside its bytes',
  type: 'object',
  additionalProperties: false,
  required: ['title', 'entries'],
  properties: {
    title: { type: 'string' },
    entries: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['seq', 'protocol', 'direction', 'name', 'json', 'hex'],
        properties: {
          seq: { type: 'integer', minimum: 1 },
          protocol: { enum: ['IDE_KM', 'TDISP'] },
          direction: { enum: ['request', 'response'] },
          name: { type: 'string' },
          json: { type: 'object' },
          hex: { type: 'string', pattern: '^([0-9a-f]{2})*$' },
          unexpected: { const: true },
        },
      },
    },
  },
} as const;
