/** The JSON Schema of the behaviour matrix (`teeio schema matrix`). */
const str = { type: 'string' } as const;

export const MATRIX_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://teeio.dev/schema/matrix.json',
  title: 'teeio matrix: the behaviour matrix, every answer derived from a run',
  type: 'object',
  additionalProperties: false,
  required: ['archs', 'rows'],
  properties: {
    archs: { type: 'array', items: str },
    rows: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'question', 'cells'],
        properties: {
          id: str,
          question: str,
          cells: {
            type: 'array',
            items: { type: 'object', additionalProperties: false, required: ['answer', 'scenario', 'step'], properties: { answer: str, scenario: str, step: str } },
          },
        },
      },
    },
  },
} as const;
