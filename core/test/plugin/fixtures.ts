import { fileURLToPath } from 'node:url';

/** The fixture plugins (plain .js, so node can load them from dist too). */
export const FIXTURES = fileURLToPath(new URL('../../../test/src/fixtures/plugins/', import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
