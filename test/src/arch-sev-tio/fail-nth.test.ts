import type { FaultKind } from '@teeio/core';
import { describe, expect, it } from 'vitest';
import { DSM, Rig, VF, VM, scenario } from './harness.js';

/**
 * What a failed call does on SEV-TIO beyond the conformance kit's fail_nth sweep of the
 * lifecycle (conformance.test.ts), which fails every call and exchange in turn.
 */

/** The lifecycle scenario's actions, driven on a rig so its final state can be inspected. */
function lifecycle(faults: { kind: FaultKind; nth: number }[] = []): Rig {
  const rig = new Rig(scenario([{ flow: 'connect', dsm: DSM }], { faults }));
  for (const f of ['connect', 'createVpci', 'bind', 'accept'] as const) rig.flow(f);
  for (const r of rig.w.guests[VM]?.devices[VF]?.accepted.length ? rig.ranges() : []) rig.w.ports.mmio.guestAccess(VM, r.gpa, false);
  rig.flow('unbind');
  rig.flow('vmDestroy');
  // tsm/disconnect unbinds whatever is still bound first (pci_tsm_unbind_all).
  if (rig.w.host.pci[VF]?.bound) rig.flow('unbind');
  rig.flow('disconnect');
  rig.checkAll();
  return rig;
}

describe('SEV-TIO: a failed firmware call of the lifecycle', () => {
  const base = lifecycle();

  it('a failed TIO_TDI_UNBIND is retried at once with TIO_TDI_UNBIND_FLAG_FORCE: the stop succeeds without an unwind', () => {
    const nth = base.w.tracer.entries.filter((e) => e.actor === 'firmware').findIndex((e) => e.op === 'TIO_TDI_UNBIND') + 1;
    const rig = lifecycle([{ kind: 'firmware', nth }]);
    const unbinds = rig.w.tracer.entries.filter((e) => e.op === 'TIO_TDI_UNBIND');
    expect(unbinds[0]?.result).toBe('SEV_RET_RESOURCE_LIMIT');
    expect(unbinds[1]?.args?.flags).toBe('FORCE');
    expect(rig.e.records.filter((r) => r.step === 'tsm.stop' && r.flow === 'unbind' && !r.unwinding).map((r) => r.result)).toEqual(['ok']);
    expect(rig.e.records.some((r) => r.unwinding)).toBe(false);
  });

});
