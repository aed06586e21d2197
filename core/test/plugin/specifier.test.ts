import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { resolveSpecifier } from '../../src/plugin/specifier.js';
import { FIXTURES, REPO_ROOT } from './fixtures.js';

const valid = join(FIXTURES, 'valid.js');
const validUrl = pathToFileURL(valid).href;

describe('resolveSpecifier', () => {
  it('keeps a package name, to be resolved from the core', () => {
    expect(resolveSpecifier('@teeio/arch-tdx', FIXTURES)).toEqual({ given: '@teeio/arch-tdx', importable: '@teeio/arch-tdx' });
  });

  it('resolves a relative path against the given cwd, not the importing file', () => {
    expect(resolveSpecifier('./valid.js', FIXTURES).importable).toBe(validUrl);
    expect(resolveSpecifier('../plugins/valid.js', FIXTURES).importable).toBe(validUrl);
  });

  it('treats a cwd-relative path without ./ as a path when it names a file', () => {
    expect(resolveSpecifier('test/src/fixtures/plugins/valid.js', REPO_ROOT).importable).toBe(validUrl);
  });

  it('resolves a package folder, with or without ./, to its exports entry (Node refuses a folder import)', () => {
    const entry = pathToFileURL(join(REPO_ROOT, 'examples/plugins/cove-io/dist/index.js')).href;
    expect(resolveSpecifier('examples/plugins/cove-io', REPO_ROOT).importable).toBe(entry);
    expect(resolveSpecifier('./examples/plugins/cove-io', REPO_ROOT).importable).toBe(entry);
  });

  it('turns an absolute path into a file URL and keeps a file URL', () => {
    expect(resolveSpecifier(valid, '/elsewhere').importable).toBe(validUrl);
    expect(resolveSpecifier(validUrl, '/elsewhere')).toEqual({ given: validUrl, importable: validUrl });
  });

  it('keeps what the user typed for messages', () => {
    expect(resolveSpecifier('./valid.js', FIXTURES).given).toBe('./valid.js');
  });
});
