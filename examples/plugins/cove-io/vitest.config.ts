import { defineConfig } from 'vitest/config';

// This package's own config: without one, vitest run inside another project uses that project's.
export default defineConfig({ test: { include: ['test/**/*.test.ts'] } });
