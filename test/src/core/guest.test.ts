/**
 * The confidential guest against a malicious host: a relock between evidence and acceptance,
 * replayed evidence blobs, hypervisor accesses to private MMIO, and a crashed guest. The guest
 * must refuse (GUEST_REJECTED) without accepting anything, the device must stay out of the
 * hypervisor's reach, and teardown must still complete cleanly.
 */
import { describe, expect, it } from 'vitest';
import type { ScenarioAction } from '../../../core/src/scenario/scenario.js';
import { DSM, Harness, LIFECYCLE, UP_TO_RUN, VF, VM, run, variant, without } from './harness.js';

const UP_TO_BIND = UP_TO_RUN.slice(0, 3);
const TEARDOWN: ScenarioAction[] = [{ flow: 'vmDestroy', vm: VM }, { flow: 'disconnect', dsm: DSM }];

describe('a host relock between evidence and acceptance', () => {
  const relock: ScenarioAction[] = [
    ...UP_TO_BIND,
    { step: 'guest.get-evidence', tdi: VF },
    { step: 'guest.verify-evidence', tdi: VF },
    { event: 'host-relock', tdi: VF },
    { step: 'guest.accept-mmio', tdi: VF },
    { step: 'guest.request-run', tdi: VF },
  ];

  it('is detected: acceptance and RUN are refused, nothing is accepted, the TDI stays locked', () => {
    const h = new Harness();
    expect(h.act(...relock)).toBeUndefined();
    // The relock really happened: the device was locked twice, and the host is bound again.
    expect(h.w.link.lockEpoch(VF)).toBe(2);
    expect(h.flows.slice(-2).map((f) => [f.flow, f.ok])).toEqual([['unbind', true], ['bind', true]]);
    expect([h.last('guest.accept-mmio'), h.last('guest.request-run')]).toEqual(['GUEST_REJECTED', 'GUEST_REJECTED']);
    const d = h.w.guests[VM]?.devices[VF];
    expect(d).toMatchObject({ accepted: [], running: false, rejected: 'the TDI was unlocked and locked again since the evidence' });
    expect(d?.acceptance).toBeUndefined();
    expect(h.w.ports.mmio.view().filter((m) => m.guestUsable)).toEqual([]);
    expect(h.w.link.tdiState(VF)).toBe('CONFIG_LOCKED');
    expect(h.firmwareOps()).not.toContain('DEVSEC.MMIO_ACCEPT');
    expect(h.firmwareOps()).not.toContain('DEVSEC.GUEST_REQ');
  });

  it('does not stop teardown', () => {
    const r = run([...relock, ...TEARDOWN]);
    expect(r.violations).toEqual([]);
    expect(r.flows.slice(-2).map((f) => f.ok)).toEqual([true, true]);
  });

  it('without a relock, the same steps accept and run the TDI', () => {
    const h = new Harness();
    expect(h.act(...relock.filter((a) => !('event' in a)))).toBeUndefined();
    expect([h.last('guest.accept-mmio'), h.last('guest.request-run'), h.w.link.tdiState(VF)]).toEqual(['ok', 'ok', 'RUN']);
    expect(h.w.guests[VM]?.devices[VF]?.acceptance).toEqual({ evidenceEpoch: 1, tdiEpoch: 1 });
  });
});

describe('replayed evidence', () => {
  it('is detected when verified: the relayed blobs do not match the protected digests', () => {
    const h = new Harness();
    const actions: ScenarioAction[] = [...UP_TO_BIND, { step: 'guest.get-evidence', tdi: VF }, { event: 'host-replay-evidence' }, { event: 'host-relock', tdi: VF }, { flow: 'accept', tdi: VF }];
    expect(h.act(...actions)).toBeUndefined();
    expect(h.last('guest.verify-evidence')).toBe('GUEST_REJECTED');
    const d = h.w.guests[VM]?.devices[VF];
    // The certificates did not change; the measurements are bound to the LOCK and did.
    expect(d?.rejected).toBe('the measurements blob does not match its protected digest');
    expect(d).toMatchObject({ verified: false, accepted: [], running: false });
    expect(h.flows.at(-1)).toEqual({ flow: 'accept', ok: false, failedStep: 'guest.verify-evidence', code: 'GUEST_REJECTED', unwoundWith: 'unbind' });
    expect(h.act(...TEARDOWN) ?? h.atEnd()).toBeUndefined();
  });

  it('a replay of the same lock evidence is harmless (the blobs are the ones the digests cover)', () => {
    const h = new Harness();
    expect(h.act(...UP_TO_BIND, { step: 'guest.get-evidence', tdi: VF }, { event: 'host-replay-evidence' }, { flow: 'accept', tdi: VF })).toBeUndefined();
    expect(h.last('guest.verify-evidence')).toBe('ok');
    expect(h.w.link.tdiState(VF)).toBe('RUN');
  });
});

describe('hypervisor accesses to private MMIO', () => {
  const touch: ScenarioAction[] = [{ event: 'host-touch-private-mmio', tdi: VF }, { event: 'host-touch-private-mmio', tdi: VF, write: true }];
  const accesses = (r: ReturnType<typeof run>) => r.trace.filter((e) => e.op.startsWith('hypervisor ')).map((e) => [e.op, e.result]);

  it('do not reach the device after a correct bind (reads and writes)', () => {
    const r = run([...UP_TO_RUN, ...touch, { use: true, tdi: VF }, ...TEARDOWN]);
    expect(r.violations).toEqual([]);
    expect(accesses(r)).toEqual([
      ['hypervisor read of private MMIO', 'no hypervisor mapping'],
      ['hypervisor write to private MMIO', 'no hypervisor mapping'],
    ]);
    // The guest still reaches its accepted range, and T=1 DMA flows.
    expect(r.trace.filter((e) => e.op === 'MMIO read' || e.op === 'T=1 DMA to guest memory').map((e) => e.result)).toEqual(['ok', 'ok']);
  });

  it('do reach it when the bind plan forgot to revoke (what invariant 1 stops)', () => {
    const plugin = variant({ plans: { bind: without('bind', 'vfio.revoke-mmio') } });
    const r = run([...UP_TO_RUN, ...touch], plugin, {}, { invariants: false });
    expect(accesses(r).map(([, result]) => result)).toEqual(['reached the device (read through the hypervisor mapping)', 'reached the device (read through the hypervisor mapping)']);
    expect(run([...UP_TO_RUN, ...touch], plugin).violations.map((v) => v.invariant)).toEqual(['host-cannot-touch-private-mmio']);
  });
});

describe('a crashed guest', () => {
  it('runs no guest steps (-EIO), and teardown still completes with nothing left', () => {
    const h = new Harness();
    expect(h.act(...UP_TO_BIND, { event: 'guest-crash', vm: VM }, { flow: 'accept', tdi: VF })).toBeUndefined();
    expect(h.flows.at(-1)).toEqual({ flow: 'accept', ok: false, failedStep: 'guest.get-evidence', code: '-EIO', unwoundWith: 'unbind' });
    for (const step of ['guest.verify-evidence', 'guest.accept-mmio', 'guest.request-run', 'guest.enable-dma', 'guest.disable-dma', 'guest.release-mmio', 'guest.request-unlock'] as const) {
      expect(h.act({ step, tdi: VF })).toBeUndefined();
      expect(h.last(step), step).toBe('-EIO');
    }
    expect(h.firmwareOps().filter((op) => op.startsWith('DEVSEC.GUEST') || op === 'DEVSEC.GET_EVIDENCE')).toEqual([]);
    expect(h.act(...TEARDOWN) ?? h.atEnd()).toBeUndefined();
    expect(h.w.host.kvm[VM]?.phase).toBe('destroyed');
    expect(h.w.ports.tsm.view()).toEqual({ sessions: [], ideStreams: [], tdis: [], vms: [] });
  });

  it('that crashes while running its device is torn down cleanly', () => {
    const r = run([...UP_TO_RUN, { event: 'guest-crash', vm: VM }, ...LIFECYCLE.slice(5)]);
    expect(r.violations).toEqual([]);
    expect(r.flows.slice(-3).map((f) => [f.flow, f.ok])).toEqual([['unbind', true], ['vmDestroy', true], ['disconnect', true]]);
  });
});
