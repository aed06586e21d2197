import type { FaultKind } from '@teeio/core';
import { describe, expect, it } from 'vitest';
import { DSM, Rig, VF, VM, example, run, scenario } from './harness.js';

/**
 * fail_nth over the lifecycle: every firmware call (and every DOE exchange) fails once in turn.
 * Each run must unwind cleanly: no invariant broken after any step or at the end, and nothing
 * left in the PSP, the RMP or the host driver.
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

/** Nothing is left behind: no firmware object, no RMP entry, no host driver state; the TDI is unlocked. */
function clean(rig: Rig): void {
  const s = rig.fw.state;
  expect({ devices: s.devices, tdis: s.tdis, rmp: s.rmp, sdtes: s.sdtes, fences: s.fences }).toEqual({ devices: {}, tdis: {}, rmp: [], sdtes: {}, fences: {} });
  expect({ ...s.host, tio: undefined }).toEqual({ tio: undefined, devices: {}, tdis: {}, dte: {}, blobs: {} });
  expect(rig.fw.programs.size).toBe(0);
  // A guest context outlives only a VM whose teardown the firmware refused.
  for (const vm of Object.keys(s.guests)) expect(rig.w.host.kvm[vm]?.phase).not.toBe('destroyed');
  expect(rig.w.link.tdiState(VF)).toBe('CONFIG_UNLOCKED');
}

describe('SEV-TIO: fail_nth over every firmware call of the lifecycle', () => {
  const base = lifecycle();
  const calls = base.w.faults.count('firmware');

  it('the lifecycle makes every call once without faults, and ends clean', () => {
    expect(calls).toBe(64);
    clean(base);
  });

  for (let nth = 1; nth <= calls; nth++) {
    const op = base.w.tracer.entries.filter((e) => e.actor === 'firmware')[nth - 1]?.op ?? '?';
    it(`firmware call #${nth} (${op}) fails with SEV_RET_RESOURCE_LIMIT: clean unwind, no invariant broken, nothing leaked`, () => {
      const rig = lifecycle([{ kind: 'firmware', nth }]);
      expect(rig.w.faults.fired).toEqual([`firmware#${nth}`]);
      const failed = rig.w.tracer.entries.filter((e) => e.actor === 'firmware')[nth - 1];
      expect(failed).toMatchObject({ op, result: 'SEV_RET_RESOURCE_LIMIT' });
      clean(rig);
    });
  }

  it('a failed TIO_TDI_UNBIND is retried at once with TIO_TDI_UNBIND_FLAG_FORCE: the stop succeeds without an unwind', () => {
    const nth = base.w.tracer.entries.filter((e) => e.actor === 'firmware').findIndex((e) => e.op === 'TIO_TDI_UNBIND') + 1;
    const rig = lifecycle([{ kind: 'firmware', nth }]);
    const unbinds = rig.w.tracer.entries.filter((e) => e.op === 'TIO_TDI_UNBIND');
    expect(unbinds[0]?.result).toBe('SEV_RET_RESOURCE_LIMIT');
    expect(unbinds[1]?.args?.flags).toBe('FORCE');
    expect(rig.e.records.filter((r) => r.step === 'tsm.stop' && r.flow === 'unbind' && !r.unwinding).map((r) => r.result)).toEqual(['ok']);
    expect(rig.e.records.some((r) => r.unwinding)).toBe(false);
  });

  it('the lifecycle scenario itself: no violation whichever call fails', () => {
    const s = example('lifecycle');
    for (let nth = 1; nth <= calls; nth++) expect(run({ ...s, faults: [{ kind: 'firmware', nth }] }).violations, `firmware#${nth}`).toEqual([]);
  });
});

describe('SEV-TIO: fail_nth over every DOE exchange the host relays', () => {
  const exchanges = lifecycle().w.faults.count('doe');

  it('relays every exchange of the lifecycle', () => {
    expect(exchanges).toBeGreaterThan(20);
  });

  for (let nth = 1; nth <= exchanges; nth++)
    it(`DOE exchange #${nth} fails (-EIO): clean unwind`, () => {
      const rig = lifecycle([{ kind: 'doe', nth }]);
      expect(rig.w.faults.fired).toEqual([`doe#${nth}`]);
      clean(rig);
    });
});
