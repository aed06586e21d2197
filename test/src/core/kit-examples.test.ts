import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATED, generateKitExamples } from '../../../scripts/gen-kit-examples.js';

describe('the examples the conformance kit ships', () => {
  it('are the examples folder now (run `npm run gen:kit-examples` after changing an example)', () => {
    expect(readFileSync(GENERATED, 'utf8') === generateKitExamples()).toBe(true);
  });
});
