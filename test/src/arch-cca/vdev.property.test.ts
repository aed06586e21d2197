import { VDEV_STATES } from '@teeio/arch-cca';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CcaModel, DSM, GUEST_RID, TDI, VM, ccaModel } from './harness.js';

/** What a hostile or buggy host may do to a VDEV, in any order. */
const OPS = ['lock', 'start', 'report', 'measurements', 'unlock', 'abort', 'destroy', 'pump', 'map', 'unmap', 'device-error'] as const;
type Op = (typeof OPS)[number];

const RUNS = { numRuns: 120, seed: 20260311 };

/** A VDEV of the realm, UNLOCKED, on a connected PDEV. */
function unlocked(): CcaModel {
  const h = ccaModel();
  h.flow('connect', 'createVpci');
  h.vdev.create(VM, DSM, TDI, { vdevId: GUEST_RID, addrRanges: h.bars() });
  h.host.vdevOp(TDI, 'UNLOCKED');
  return h;
}

function apply(h: CcaModel, op: Op): boolean {
  const page = h.bars()[0]?.base ?? 0n;
  const ipa = 0x2_0000_0000n;
  switch (op) {
    case 'lock':
      return h.vdev.lock(TDI).ok;
    case 'start':
      return h.vdev.start(TDI).ok;
    case 'report':
      return h.vdev.getInterfaceReport(TDI).ok;
    case 'measurements':
      return h.vdev.getMeasurements(TDI).ok;
    case 'unlock':
      return h.vdev.unlock(TDI).ok;
    case 'abort':
      return h.vdev.abort(TDI).ok;
    case 'destroy':
      return h.vdev.destroy(TDI).ok;
    case 'pump':
      return h.host.vdevOp(TDI, 'UNLOCKED').ok;
    case 'map':
      h.rtt.delegate(page, 1);
      return h.rtt.map(VM, TDI, ipa, page, 1).ok;
    case 'unmap':
      return h.rtt.unmap(VM, ipa, 1).ok && h.rtt.undelegate(page, 1).ok;
    case 'device-error':
      h.w.link.event(TDI, (requesterId) => ({ kind: 'DEVICE_ERROR', requesterId }));
      return true;
  }
}

describe('the VDEV state machine under any order of host operations (reference §4, §5)', () => {
  it('keeps the RMM\'s rules: one operation at a time, UNLOCK never with device memory mapped, DESTROY only from NEW or UNLOCKED, ERROR left only by a completed UNLOCK', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...OPS), { minLength: 1, maxLength: 25 }), (ops) => {
        const h = unlocked();
        for (const op of ops) {
          const before = h.fw.vdev(TDI);
          if (!before) return;
          const was = { state: before.state, comm: before.comm, op: before.op?.name, mapped: h.vdev.mappedGranule(before) };
          const ok = apply(h, op);
          const now = h.fw.vdev(TDI);
          const where = `${op} from ${was.state}/${was.comm} after ${ops.join(',')}`;
          if (ok && ['lock', 'start', 'report', 'measurements', 'unlock'].includes(op)) expect(was.comm, where).toBe('IDLE');
          if (ok && op === 'unlock') expect(was.mapped, where).toBeUndefined();
          if (ok && op === 'destroy') expect(['NEW', 'UNLOCKED'], where).toContain(was.state);
          if (!now) continue;
          expect(VDEV_STATES, where).toContain(now.state);
          if (was.state === 'ERROR' && now.state !== 'ERROR') expect([now.state, was.op ?? now.op], where).toEqual(['UNLOCKED', 'UNLOCK']);
        }
      }),
      RUNS,
    );
  });
});
