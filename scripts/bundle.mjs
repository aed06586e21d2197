// Bundles @teeio/core's compiled modules into core/dist/teeio.js, the package's default export.
// The CLI and every plugin import that one file: Node loads one module instead of ~160, which
// was most of `teeio run`'s start-up. Dependencies stay external. Runs after `tsc -b`.
import { build } from 'esbuild';

await build({
  entryPoints: ['core/dist/index.js'],
  outfile: 'core/dist/teeio.js',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  // esbuild hoists the external imports of lazily initialised modules above the entry's own, so
  // index.ts's `import 'reflect-metadata'` would run after tsyringe's check for it: first, here.
  banner: { js: "import 'reflect-metadata';" },
  logLevel: 'warning',
});
