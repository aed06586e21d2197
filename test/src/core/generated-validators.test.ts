import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATED, generateValidators } from '../../../scripts/gen-validators.js';

describe('the precompiled validators', () => {
  it('are what the schemas compile to now (run `npm run gen:validators` after changing a schema)', () => {
    expect(readFileSync(GENERATED, 'utf8') === generateValidators()).toBe(true);
  });
});
