#!/usr/bin/env node
// The `teeio` command. `npm ci` builds dist/ (the root `prepare` script), so this normally runs
// compiled JavaScript; on a tree that was never built it runs the TypeScript source through tsx.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const compiled = new URL('../dist/cli/main.js', import.meta.url);
if (existsSync(fileURLToPath(compiled))) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register({ tsconfig: fileURLToPath(new URL('../../tsconfig.base.json', import.meta.url)) });
  await import(new URL('../src/cli/main.ts', import.meta.url).href);
}
