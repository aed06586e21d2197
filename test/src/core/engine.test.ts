/**
 * The engine: device and host events as the very first action, steps skipped when their
 * object is gone (without calling the firmware), plans run in the plugin's order with the
 * plan's actor and reason in the trace.
 */
import { describe, expect, it } from 'vitest';
import type { ScenarioAction } from '../../../core/src/scenario/scenario.js';
import { DSM, Harness, LIFECYCLE, UP_TO_RUN, VF, VM, run, stepResult, variant } from './harness.js';
import { FailingMap, replacing } from './misbehaving-ports.js';

describe('events before any step', () => {
  const first: [string, ScenarioAction][] = [
    ['a surprise FLR', { event: 'flr', via: 'device', tdi: VF }],
    ['an FLR through VFIO', { event: 'flr', tdi: VF }],
    ['a BME clear', { event: 'bme-clear', tdi: VF }],
    ['an MSE clear', { event: 'mse-clear', tdi: VF }],
    ['a BAR write', { event: 'bar-write', tdi: VF, bar: 0 }],
    ['an IDE stream going insecure', { event: 'ide-insecure', dsm: DSM }],
    ['a device error', { event: 'device-error', tdi: VF }],
    ['a hypervisor touch of (not yet private) MMIO', { event: 'host-touch-private-mmio', tdi: VF, write: true }],
    ['a host relock of a TDI that was never bound', { event: 'host-relock', tdi: VF }],
    ['the host starting to replay evidence', { event: 'host-replay-evidence' }],
    ['a guest use of a device it has not accepted', { use: true, tdi: VF }],
  ];

  it.each(first)('%s, then the whole lifecycle: no exception, no violation, the device still runs', (_what, event) => {
    const r = run([event, ...LIFECYCLE]);
    expect(r.violations).toEqual([]);
    // The lifecycle's own seven flows all succeed (a relock's bind before connect may fail, and unwinds).
    expect(r.flows.slice(-7).map((f) => [f.flow, f.ok])).toEqual(['connect', 'createVpci', 'bind', 'accept', 'unbind', 'vmDestroy', 'disconnect'].map((f) => [f, true]));
    expect(r.trace.some((e) => e.op === 'START_INTERFACE_REQUEST' && e.result === 'START_INTERFACE_RESPONSE')).toBe(true);
  });

  it('a guest crash first: the VM runs no guest code, and teardown still completes', () => {
    const r = run([{ event: 'guest-crash', vm: VM }, ...LIFECYCLE]);
    expect(r.violations).toEqual([]);
    expect(stepResult(r, 'guest.get-evidence')).toBe('-EIO');
    expect(r.flows.find((f) => f.flow === 'accept')).toMatchObject({ ok: false, code: '-EIO', unwoundWith: 'unbind' });
  });

  it('an FLR through VFIO of a TDI nobody opened runs the FLR plan with everything else skipped', () => {
    const r = run([{ event: 'flr', tdi: VF }]);
    expect(r.steps.map((s) => [s.step, s.result])).toEqual([
      ['vm.create', 'ok'],
      ['tsm.stop', 'skipped'],
      ['kvm.unmap-private-mmio', 'skipped'],
      ['iommu.teardown-trusted', 'skipped'],
      ['tsm.unbind', 'skipped'],
      ['vfio.revoke-mmio', 'skipped'],
      ['pci.flr', 'ok'],
    ]);
  });
});

describe('steps whose object is gone are skipped', () => {
  it('the VM teardown after an unbind skips what the unbind already did, and calls no firmware for it', () => {
    const r = run(LIFECYCLE);
    const vmDestroy = r.steps.filter((s) => s.flow === 'vmDestroy');
    expect(vmDestroy.map((s) => [s.step, s.result])).toEqual([
      ['tsm.stop', 'skipped'],
      ['kvm.unmap-private-mmio', 'skipped'],
      ['iommu.teardown-trusted', 'skipped'],
      ['tsm.unbind', 'skipped'],
      ['iommufd.vdevice-destroy', 'ok'],
      ['vfio.close', 'ok'],
      ['iommufd.viommu-destroy', 'ok'],
      ['vm.destroy', 'ok'],
    ]);
    // A skipped step is traced as skipped, and nothing is traced inside it.
    const skipped = r.trace.filter((e) => e.result === 'skipped');
    expect(skipped.map((e) => e.op)).toEqual(['tsm.stop', 'kvm.unmap-private-mmio', 'iommu.teardown-trusted', 'tsm.unbind']);
    for (const e of skipped) expect(r.trace[e.seq]?.step, `nothing recorded within ${e.op}`).not.toBe(e.step);
  });

  const gone: [ScenarioAction, string][] = [
    [{ step: 'tsm.stop', tdi: VF }, 'not bound'],
    [{ step: 'kvm.unmap-private-mmio', tdi: VF }, 'nothing mapped'],
    [{ step: 'iommu.teardown-trusted', tdi: VF }, 'no trusted context'],
    [{ step: 'tsm.unbind', tdi: VF }, 'not bound'],
    [{ step: 'attestation.register', tdi: VF }, 'not bound'],
    [{ step: 'vfio.revoke-mmio', tdi: VF }, 'not open'],
    [{ step: 'vfio.recover-mmio', tdi: VF }, 'not open'],
    [{ step: 'vfio.close', tdi: VF }, 'not open'],
    [{ step: 'iommufd.vdevice-destroy', tdi: VF }, 'no vDEVICE'],
    [{ step: 'iommufd.viommu-destroy', tdi: VF }, 'no vIOMMU'],
    [{ step: 'vm.destroy', vm: VM }, 'KVM fd closed'],
    [{ step: 'tsm.disconnect', dsm: DSM }, 'not connected'],
  ];

  it.each(gone)('%j after the lifecycle is skipped (%s) without a firmware call', (action) => {
    const h = new Harness();
    expect(h.act(...LIFECYCLE)).toBeUndefined();
    const calls = h.firmwareOps().length;
    expect(h.act(action)).toBeUndefined();
    expect(h.engine.records.at(-1)?.result).toBe('skipped');
    expect(h.firmwareOps()).toHaveLength(calls);
  });

  it('iommufd.viommu-destroy is skipped while another vDEVICE of the VM uses the vIOMMU', () => {
    const h = new Harness(undefined, { assignments: [{ tdi: VF, vm: VM, guestRid: 8 }, { tdi: DSM, vm: VM, guestRid: 16 }] });
    expect(h.act({ flow: 'connect', dsm: DSM }, { flow: 'createVpci', tdi: VF }, { flow: 'createVpci', tdi: DSM }, { flow: 'vfioClose', tdi: VF }, { step: 'iommufd.viommu-destroy', tdi: VF })).toBeUndefined();
    expect(h.last('iommufd.viommu-destroy')).toBe('skipped');
    expect(h.w.host.iommufd.viommus[VM]).toBeDefined();
  });
});

describe('plans', () => {
  it('run in the plugin order, with the plan step actor as caller and its reason as the note', () => {
    const plugin = variant({ plans: { bind: [{ step: 'vfio.revoke-mmio', why: 'first things first' }, { step: 'tsm.bind', actor: 'guest' }] } });
    const r = run(UP_TO_RUN.slice(0, 3), plugin);
    const bind = r.trace.filter((e) => e.step?.startsWith('bind/') && (e.op === 'vfio.revoke-mmio' || e.op === 'tsm.bind'));
    expect(bind.map((e) => [e.op, e.caller, e.actor, e.note])).toEqual([
      ['vfio.revoke-mmio', 'vmm', 'vfio', 'first things first'],
      ['tsm.bind', 'guest', 'iommufd', undefined],
    ]);
  });

  it('a failed flow without an unwind flow just stops', () => {
    const plugin = variant({ semantics: { unwind: {} } });
    const r = run([{ flow: 'bind', tdi: VF }], plugin);
    expect(r.flows).toEqual([{ flow: 'bind', ok: false, failedStep: 'tsm.bind', code: '-ENOENT' }]);
    expect(r.steps.filter((s) => s.flow === 'bind').map((s) => s.step)).toEqual(['vfio.revoke-mmio', 'tsm.bind']);
  });

  it('an unwind runs every step of its plan even when some fail', () => {
    // Bind fails at its private-MMIO map; the unwind's DEVSEC.STOP (firmware call #6 after
    // VM_CREATE, CONNECT, VIOMMU_ALLOC, BIND, MMIO_MAP) fails too, and the unwind goes on.
    const r = run(UP_TO_RUN.slice(0, 3), variant({}, replacing('mmio', FailingMap)), { faults: [{ kind: 'firmware', nth: 6 }] });
    expect(r.trace.filter((e) => e.actor === 'firmware').map((e) => [e.op, e.result])[5]).toEqual(['DEVSEC.STOP', 'DEVSEC_BUSY']);
    expect(r.steps.filter((s) => s.unwinding).map((s) => [s.step, s.result])).toEqual([
      ['tsm.stop', 'DEVSEC_BUSY'],
      ['kvm.unmap-private-mmio', 'skipped'],
      ['iommu.teardown-trusted', 'skipped'],
      ['tsm.unbind', 'ok'],
      ['vfio.recover-mmio', 'ok'],
    ]);
    expect(r.flows).toContainEqual({ flow: 'bind', ok: false, failedStep: 'kvm.map-private-mmio', code: 'DEVSEC_MAP_CORRUPT', unwoundWith: 'unbind' });
  });
});
