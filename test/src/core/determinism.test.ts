/**
 * Runs are reproducible: the same scenario and seed give the same report byte for byte; a
 * different seed changes nonces but not what happens; snapshot and restore give the same
 * future; the state hash depends on the state only.
 */
import { describe, expect, it } from 'vitest';
import type { TraceEntry } from '../../../core/src/trace/tracer.js';
import { DSM, Harness, LIFECYCLE, REFERENCE, UP_TO_RUN, VF, run } from './harness.js';

const shape = (t: readonly TraceEntry[]) => t.map((e) => [e.actor, e.caller, e.op, e.result, e.step]);
const withoutSeq = (t: readonly TraceEntry[]) => t.map(({ seq: _seq, ...rest }) => rest);

describe('same scenario, same seed', () => {
  it('gives the same JSON report and state hash, byte for byte', () => {
    const a = JSON.stringify(run(LIFECYCLE));
    const b = JSON.stringify(run(LIFECYCLE));
    expect(b).toBe(a);
    expect(JSON.parse(a)).toHaveProperty('stateHash', expect.stringMatching(/^[0-9a-f]{16,}$/));
  });

  it('also with faults and a malicious host', () => {
    const steps = [...UP_TO_RUN, { event: 'host-relock', tdi: VF } as const, { event: 'flr', via: 'device', tdi: VF } as const, ...LIFECYCLE.slice(5)];
    const more = { faults: [{ kind: 'doe' as const, nth: 9 }] };
    expect(JSON.stringify(run(steps, REFERENCE, more))).toBe(JSON.stringify(run(steps, REFERENCE, more)));
  });
});

describe('a run asked for no trace', () => {
  it('reports what the traced run reports (a malicious host, an injected fault), the trace left out', () => {
    const steps = [...UP_TO_RUN, { event: 'host-relock', tdi: VF } as const, ...LIFECYCLE.slice(5)];
    for (const more of [{}, { faults: [{ kind: 'firmware' as const, nth: 7 }] }]) {
      const traced = run(steps, REFERENCE, more);
      const untraced = run(steps, REFERENCE, more, { trace: false });
      expect(untraced.trace).toEqual([]);
      expect(JSON.stringify({ ...untraced, trace: traced.trace })).toBe(JSON.stringify(traced));
    }
  });
});

describe('a different seed', () => {
  it('changes nonces (the state hash), not the sequence of operations', () => {
    const a = run(LIFECYCLE, REFERENCE, { seed: 1 });
    const b = run(LIFECYCLE, REFERENCE, { seed: 2 });
    expect(shape(b.trace)).toEqual(shape(a.trace));
    expect(b.steps).toEqual(a.steps);
    expect(b.stateHash).not.toBe(a.stateHash);
    expect(b.seed).toBe('2');
  });

  it('--seed (the run option) overrides the scenario seed the same way', () => {
    const a = run(LIFECYCLE, REFERENCE, { seed: 1 }, { seed: 'other' });
    const b = run(LIFECYCLE, REFERENCE, { seed: 2 }, { seed: 'other' });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(a.seed).toBe('other');
    expect(a.stateHash).not.toBe(run(LIFECYCLE, REFERENCE, { seed: 1 }).stateHash);
  });

  it('changes the nonces the device hands out (LOCK start nonce, IDE keys)', () => {
    const states = [1, 2].map((seed) => {
      const h = new Harness(REFERENCE, { seed: String(seed) });
      h.act(...UP_TO_RUN.slice(0, 3));
      return h.w.snapshot().firmware as { tdis: Record<string, { nonce?: string }> };
    });
    expect(states[0]?.tdis[VF]?.nonce).toMatch(/^[0-9a-f]{64}$/);
    expect(states[1]?.tdis[VF]?.nonce).not.toBe(states[0]?.tdis[VF]?.nonce);
  });
});

describe('snapshot and restore', () => {
  it('restore then the same steps give the same trace entries and the same hash', () => {
    const h = new Harness();
    expect(h.act({ flow: 'connect', dsm: DSM }, { flow: 'createVpci', tdi: VF })).toBeUndefined();
    const snap = h.w.snapshot();
    const before = h.w.hash();
    const rest = LIFECYCLE.slice(2);

    const from1 = h.w.tracer.length;
    expect(h.act(...rest) ?? h.atEnd()).toBeUndefined();
    const first = withoutSeq(h.w.tracer.since(from1));
    const after = h.w.hash();
    expect(after).not.toBe(before);

    h.w.restore(snap);
    expect(h.w.hash()).toBe(before);
    const from2 = h.w.tracer.length;
    expect(h.act(...rest) ?? h.atEnd()).toBeUndefined();
    expect(withoutSeq(h.w.tracer.since(from2))).toEqual(first);
    expect(h.w.hash()).toBe(after);
  });

  it('a snapshot is a copy: changing the world afterwards does not change it', () => {
    const h = new Harness();
    h.act({ flow: 'connect', dsm: DSM });
    const snap = h.w.snapshot();
    const text = JSON.stringify(snap, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? [...v] : v));
    h.act({ flow: 'createVpci', tdi: VF }, { flow: 'bind', tdi: VF });
    expect(JSON.stringify(snap, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? [...v] : v))).toBe(text);
  });

  it('restoring into another world of the same spec gives an equal hash (however the state was reached)', () => {
    const a = new Harness();
    a.act(...UP_TO_RUN);
    const b = new Harness();
    expect(b.w.hash()).not.toBe(a.w.hash());
    b.w.restore(a.w.snapshot());
    expect(b.w.hash()).toBe(a.w.hash());
    // ... and the two worlds go on identically.
    a.act(...LIFECYCLE.slice(4));
    b.act(...LIFECYCLE.slice(4));
    expect(b.w.hash()).toBe(a.w.hash());
  });
});

describe('the state hash', () => {
  it('is equal for equal states and differs when any part of the state differs', () => {
    const fresh = () => new Harness();
    expect(fresh().w.hash()).toBe(fresh().w.hash());
    const base = fresh();
    base.act(...UP_TO_RUN);
    const hash = base.w.hash();
    const changed = [
      (h: Harness) => void (h.w.relay.replay = true),
      (h: Harness) => void h.w.host.iommufd.forced.push(VF),
      (h: Harness) => void (h.w.guests['vm0']!.crashed = true),
      (h: Harness) => void h.w.faults.shouldFail('alloc'),
      (h: Harness) => void h.w.random.bytes(1),
      (h: Harness) => void h.w.link.event(VF, (requesterId) => ({ kind: 'DEVICE_ERROR', requesterId })),
    ];
    for (const change of changed) {
      const h = fresh();
      h.act(...UP_TO_RUN);
      expect(h.w.hash()).toBe(hash);
      change(h);
      expect(h.w.hash(), change.toString()).not.toBe(hash);
    }
  });

  it('does not depend on the order in which keys were added', () => {
    const a = new Harness();
    const b = new Harness();
    a.w.host.kvm['vm0']!.privateMmio = { x: [], y: [] };
    b.w.host.kvm['vm0']!.privateMmio = { y: [], x: [] };
    expect(a.w.hash()).toBe(b.w.hash());
  });
});
