import { describe, expect, it } from 'vitest';
import { Rig, VF, VM, example, run } from './harness.js';

describe('SEV-TIO: revoking MMIO before unbind is allowed (unlike TDX) and recorded with its consequences', () => {
  it('the scenario: the step succeeds, is not fatal, no invariant breaks, and the fence is cleared at unbind', () => {
    const r = run(example('sev-tio-revoke-mmio-while-run'));
    expect(r.violations).toEqual([]);
    expect(r.outcome).toBe('pass');
    const revoke = r.steps.find((s) => s.step === 'kvm.unmap-private-mmio');
    expect(revoke).toMatchObject({ result: 'ok', unwinding: false });
    expect(r.trace.some((e) => e.fatal)).toBe(false);
    const uses = r.trace.filter((e) => e.op === 'MMIO read').map((e) => e.result);
    expect(uses).toEqual(['ok', expect.stringMatching(/RMP violation .*ASID 1 fenced$/), 'reads all ones: ASID 1 is fenced']);
    const dma = r.trace.filter((e) => e.op === 'T=1 DMA to guest memory').map((e) => e.result);
    expect(dma).toEqual(['ok', 'blocked', 'blocked']);
  });

  it('records the revoke of a bound TDI\'s validated MMIO with what it leads to', () => {
    const rig = new Rig().running();
    const from = rig.w.tracer.length;
    expect(rig.step('kvm.unmap-private-mmio')).toEqual({ ok: true, value: undefined });
    const trace = rig.since(from);
    expect(trace.find((e) => e.op === 'RMPUPDATE')?.args).toMatchObject({ assigned: '0x0', why: `revoked while ${VF} is BIND_RUN` });
    expect(trace.find((e) => e.op === 'revoked the validated MMIO of a bound TDI' && e.actor === 'kvm')?.result).toMatch(/^accepted; the guest's next access faults \(RMP\) and fences ASID 1/);
    // The mapping is gone from the firmware's view and KVM's; the TDI keeps running.
    expect(rig.w.ports.mmio.view()).toEqual([]);
    expect(rig.w.host.kvm[VM]?.privateMmio[VF]).toEqual([]);
    expect(rig.w.link.tdiState(VF)).toBe('RUN');
    expect(rig.w.host.kvm[VM]?.killed).toBeUndefined();
    // The hypervisor still cannot reach the running TDI's MMIO (the locked TDI refuses T=0).
    expect(rig.w.ports.mmio.hostAccessOutcome(rig.range().hpa, true).reaches).toBe(false);
    rig.checkAll();
    expect(rig.flow('unbind').ok).toBe(true);
    rig.checkAll();
  });

  it('a revoke before the guest validated leaves nothing to validate: MMIO_VALIDATE_NOT_ASSIGNED', () => {
    const rig = new Rig();
    for (const f of ['connect', 'createVpci', 'bind'] as const) rig.flow(f);
    expect(rig.step('kvm.unmap-private-mmio').ok).toBe(true);
    const accept = rig.flow('accept');
    expect(accept).toMatchObject({ ok: false, failedStep: 'guest.accept-mmio', code: 'MMIO_VALIDATE_NOT_ASSIGNED', unwoundWith: 'unlock' });
    expect(rig.w.host.pci[VF]?.bound).toBeUndefined();
    rig.checkAll();
  });
});
