import { defineConfig } from 'vitest/config';
import { defaultServerConditions } from 'vite';

// The `source` export condition makes every workspace package resolve to its TypeScript
// source, so tests never run against a stale dist/. `ssr.resolve` is the one vitest uses.
const conditions = ['source', ...defaultServerConditions];

export default defineConfig({
  ssr: { resolve: { conditions } },
  resolve: { conditions },
  test: {
    // examples/plugins/*: backends written as separate packages (loaded as --plugin), each with its own kit test.
    include: ['core/test/**/*.test.ts', 'arch-*/test/**/*.test.ts', 'test/src/**/*.test.ts', 'examples/plugins/*/test/**/*.test.ts'],
    setupFiles: ['test/src/setup.ts'],
    pool: 'forks',
    // Tests assert behaviour, not speed: several spawn the built CLI, which on a loaded 2-core
    // machine takes seconds to start. The timeout only catches a hang.
    testTimeout: 30_000,
  },
});
