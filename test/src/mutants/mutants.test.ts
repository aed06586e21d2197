/**
 * The mutation check: the conformance kit fails every deliberately broken plugin. Each mutant
 * runs only the check that must catch it (`npm run mutants` runs the whole kit on each and
 * prints every check that does); the unbroken plugins pass every check in their own folders'
 * conformance tests, so a check that fails here fails for the mutation.
 */
import { describe, expect, it } from 'vitest';
import { ARCH_MUTANTS, MUTANTS } from './catalogue.js';
import { kill } from './kill.js';

/** The mutants the issue names, by id. */
const NAMED = [
  'tdx/sept-unmapped-before-stop',
  'sev-tio/rmp-not-updated',
  'cca/unlock-with-device-memory-mapped',
  'tdx/guest-skips-evidence-verification',
  'tdx/hypervisor-mapping-left-after-bind',
  'tdx/vm-destroyed-before-unbind',
  'tdx/nonce-not-restamped-on-relock',
  'tdx/tdi-left-after-unbind',
];

describe('the mutants', () => {
  it('include every one the issue names, and at least three of each arch\'s own', () => {
    const ids = MUTANTS.map((m) => m.id);
    expect(NAMED.filter((id) => !ids.includes(id))).toEqual([]);
    for (const arch of ['tdx', 'sev-tio', 'cca']) expect(ARCH_MUTANTS.filter((m) => m.id.startsWith(`${arch}/`)).length, arch).toBeGreaterThanOrEqual(3);
  });
});

describe('the conformance kit catches every mutant', () => {
  it.each(MUTANTS.map((m) => [m.id, m] as const))('%s', async (_id, m) => {
    const v = await kill(m, [m.caughtBy]);
    expect(v.caughtBy, v.evidence).toEqual([m.caughtBy]);
  }, 60_000);
});
