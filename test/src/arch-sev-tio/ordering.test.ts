import { describe, expect, it } from 'vitest';
import { DSM, Rig, VF, VM, example, run } from './harness.js';

describe('SEV-TIO: disconnect with a bound TDI is refused', () => {
  it('the host refuses tsm/disconnect (-EBUSY) without calling the firmware; after unbind it goes through', () => {
    const r = run(example('sev-tio-disconnect-while-bound'));
    expect(r.violations).toEqual([]);
    const attempts = r.steps.filter((s) => s.step === 'tsm.disconnect');
    expect(attempts.map((s) => [s.flow ?? '(step)', s.result])).toEqual([
      ['(step)', '-EBUSY'],
      ['disconnect', 'ok'],
    ]);
    const firmware = (label: string) => r.trace.filter((e) => e.step === label && e.actor === 'firmware').map((e) => e.op);
    expect(firmware('tsm.disconnect')).toEqual([]);
    expect(firmware('disconnect/tsm.disconnect')).toContain('TIO_DEV_RECLAIM');
    expect(r.outcome).toBe('pass');
  });

  it('the PSP refuses TIO_DEV_DISCONNECT and TIO_DEV_RECLAIM while the device has a bound TDI, forced or not', () => {
    const rig = new Rig().running();
    for (const force of [false, true]) expect(rig.psp.devDisconnect(DSM, force, { kind: 'issue' })).toMatchObject({ ok: false, code: 'SEV_RET_IN_USE', detail: `${DSM} has 1 TDI context(s), 1 bound` });
    expect(rig.psp.devReclaim(DSM)).toMatchObject({ ok: false, code: 'SEV_RET_SEV_STATUS_INVALID_DEV_STATE' });
    expect(rig.psp.devStatus(DSM)).toMatchObject({ ok: true, value: { ctxState: 'CONNECTED', tdiCount: 1, boundTdiCount: 1 } });
    // Unbound but not reclaimed is still in use.
    expect(rig.step('tsm.stop').ok).toBe(true);
    expect(rig.psp.devDisconnect(DSM, true, { kind: 'issue' })).toMatchObject({ ok: false, code: 'SEV_RET_IN_USE', detail: `${DSM} has 1 TDI context(s), 0 bound` });
    expect(rig.w.link.tdiState(VF)).toBe('CONFIG_UNLOCKED');
  });
});

describe('SEV-TIO: FLR on a bound TDI', () => {
  it('through VFIO (vfio-unbinds): unbind, revoke, then reset; nothing is left mapped to the reset function', () => {
    const r = run(example('flr-bound'));
    expect(r.violations).toEqual([]);
    expect(r.outcome).toBe('pass');
    const flr = r.steps.filter((s) => s.flow === 'flr' && s.result === 'ok').map((s) => s.step);
    expect(flr).toEqual(['tsm.stop', 'tsm.unbind', 'kvm.unmap-private-mmio', 'iommu.teardown-trusted', 'vfio.revoke-mmio', 'pci.flr']);
  });

  it('with the pci-blocks policy the reset is refused while the TDI is bound', () => {
    const r = run(example('flr-bound-pci-blocks'));
    expect(r.outcome).toBe('pass');
    expect(r.steps.find((s) => s.step === 'pci.flr')?.result).toBe('-EBUSY');
  });

  it('from the device: the TDI goes to ERROR, the RMP still shields its MMIO, the host unbinds from ERROR', () => {
    const rig = new Rig().running();
    rig.w.link.event(VF, (requesterId) => ({ kind: 'FLR', requesterId }));
    expect(rig.w.link.tdiState(VF)).toBe('ERROR');
    const range = rig.range();
    expect(rig.w.ports.mmio.hostAccessOutcome(range.hpa, true)).toMatchObject({ reaches: false, effect: expect.stringMatching(/^RMP fault/) });
    expect(rig.w.ports.mmio.guestAccess(VM, range.gpa, false)).toEqual({ reaches: false, effect: `${VF} is ERROR: the T=1 request is rejected` });
    expect(rig.flow('unbind').ok).toBe(true);
    expect(rig.w.link.tdiState(VF)).toBe('CONFIG_UNLOCKED');
    expect(rig.fw.state.rmp).toEqual([]);
    rig.checkAll();
  });

  it('the surprise-FLR scenario ends clean', () => {
    expect(run(example('sev-tio-flr-surprise-while-bound')).outcome).toBe('pass');
  });
});

describe('SEV-TIO: VM destroy while bound', () => {
  it('the vmDestroy plan unbinds first; the guest context goes last (SNP_DECOMMISSION)', () => {
    const r = run(example('vm-destroy-bound'));
    expect(r.violations).toEqual([]);
    expect(r.outcome).toBe('pass');
    const ops = r.trace.filter((e) => e.actor === 'firmware').map((e) => e.op);
    expect(ops.indexOf('SNP_DECOMMISSION')).toBeGreaterThan(ops.indexOf('TIO_TDI_RECLAIM'));
  });

  it('out of order: SNP_DECOMMISSION is refused while the TDI is bound (SEV_RET_IN_USE) and invariant 8 reports it', () => {
    const r = run(example('sev-tio-vm-destroy-while-bound'));
    expect(r.violations.map((v) => v.invariant)).toEqual(['vm-destroyed-after-unbind']);
    expect(r.trace.find((e) => e.op === 'SNP_DECOMMISSION')?.result).toBe('SEV_RET_IN_USE');
    expect(r.outcome).toBe('pass');
  });

  it('because the guest context survived, the host can still unbind the TDI and then decommission', () => {
    const rig = new Rig().running();
    rig.step('vfio.close');
    rig.step('iommufd.viommu-destroy');
    expect(() => rig.e.step('vm.destroy', { vm: VM })).toThrow(/vm-destroyed-after-unbind/);
    expect(rig.w.host.kvm[VM]?.phase).toBe('destroy-failed');
    expect(rig.fw.state.guests[VM]).toBeDefined();
    expect(rig.host.unbind(VF)).toEqual({ ok: true, value: undefined });
    expect(rig.psp.snpDecommission(VM).ok).toBe(true);
    expect(rig.fw.state.tdis).toEqual({});
  });
});
