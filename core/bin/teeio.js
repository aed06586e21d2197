#!/usr/bin/env node
// The `teeio` command. `npm ci` builds dist/ (the root `prepare` script), so this normally runs
// the bundled core (dist/teeio.js, the module plugins import too); on a tree that was never
// built it runs the TypeScript source through tsx.
import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = new URL('../dist/teeio.js', import.meta.url);
if (existsSync(fileURLToPath(bundle))) {
  const { runCli, processIo } = await import(bundle.href);
  process.exitCode = await runCli(process.argv.slice(2), processIo());
} else {
  const { register } = await import('tsx/esm/api');
  register({ tsconfig: fileURLToPath(new URL('../../tsconfig.base.json', import.meta.url)) });
  await import(new URL('../src/cli/main.ts', import.meta.url).href);
}
