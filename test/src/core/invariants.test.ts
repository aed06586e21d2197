/**
 * Each of PRODUCT.md's eight invariants: a world that breaks it is caught (by that invariant,
 * after the step where it broke, naming the objects involved), the same world is not caught
 * by it once its check is removed, and the correct counterpart passes.
 */
import { describe, expect, it } from 'vitest';
import { INVARIANTS } from '../../../core/src/invariants/index.js';
import type { LoadedPlugin } from '../../../core/src/plugin/loaded-plugin.js';
import type { ScenarioAction } from '../../../core/src/scenario/scenario.js';
import type { WorldSpec } from '../../../core/src/world/platform.js';
import { DSM, Harness, LIFECYCLE, REFERENCE, UP_TO_RUN, VF, VM, type Violation, variant, without, withoutCheck } from './harness.js';
import { DisconnectKeepsStream, FailingMap, FatalMap, FreshnessIgnoresRelock, MapsIntoAnotherVm, TranslatesBeforeEnable, UsableWithoutAcceptance, replacing } from './misbehaving-ports.js';

interface Case {
  readonly plugin: LoadedPlugin;
  readonly actions: readonly ScenarioAction[];
  readonly spec?: Partial<WorldSpec>;
  /** Also run the end-of-scenario check, as runScenario does. */
  readonly toEnd?: boolean;
}

/** Runs a case with the given invariants; the first violation, if any. */
function violationOf(c: Case, invariants = INVARIANTS): Violation | undefined {
  const h = new Harness(c.plugin, c.spec ?? {}, invariants);
  return h.act(...c.actions) ?? (c.toEnd ? h.atEnd() : undefined);
}

/** The case is caught by `id` and only because of `id`'s check. */
function expectCaught(c: Case, id: string, step: string, objects: readonly string[]): Violation {
  const v = violationOf(c);
  expect(v, 'a violation').toBeDefined();
  expect({ invariant: v?.invariant, step: v?.step, objects: v?.objects }).toEqual({ invariant: id, step, objects });
  expect(violationOf(c, withoutCheck(id))?.invariant, `without its check, ${id} is not what stops the run`).not.toBe(id);
  return v as Violation;
}

const TWO_VMS: Partial<WorldSpec> = { vms: ['vm0', 'vm1'] };

describe('invariant 1: the hypervisor cannot reach private MMIO of a locked TDI', () => {
  const upToBind: ScenarioAction[] = [{ flow: 'connect', dsm: DSM }, { flow: 'createVpci', tdi: VF }, { flow: 'bind', tdi: VF }];

  it('catches a bind plan without vfio.revoke-mmio: the VMM mmap still reaches the device once LOCK is done', () => {
    const v = expectCaught({ plugin: variant({ plans: { bind: without('bind', 'vfio.revoke-mmio') } }), actions: upToBind }, 'host-cannot-touch-private-mmio', 'bind/tsm.bind', [VF]);
    expect(v.message).toMatch(/CONFIG_LOCKED\) reaches the device: read through the hypervisor mapping$/);
  });

  it('catches a KVM shared mapping of the MMIO left in place (no VMM mmap at all)', () => {
    const plugin = variant({ plans: { createVpci: without('createVpci', 'vfio.mmap-bars'), bind: without('bind', 'vfio.revoke-mmio') } });
    expectCaught({ plugin, actions: upToBind }, 'host-cannot-touch-private-mmio', 'bind/tsm.bind', [VF]);
  });

  it('passes the reference bind plan, which revokes first', () => {
    expect(violationOf({ plugin: REFERENCE, actions: upToBind })).toBeUndefined();
  });
});

describe('invariant 2: private MMIO only in the bound VM, usable only where accepted', () => {
  it('catches a port that maps the TDI into another VM', () => {
    const plugin = variant({}, replacing('mmio', MapsIntoAnotherVm));
    const v = expectCaught({ plugin, actions: UP_TO_RUN, spec: TWO_VMS }, 'private-mmio-only-in-bound-vm', 'bind/kvm.map-private-mmio', [VF, 'vm1']);
    expect(v.message).toMatch(/is mapped into vm1, but the TDI is bound to vm0$/);
  });

  it('catches a port that makes a mapping usable before the guest accepted it', () => {
    const plugin = variant({}, replacing('mmio', UsableWithoutAcceptance));
    const v = expectCaught({ plugin, actions: UP_TO_RUN }, 'private-mmio-only-in-bound-vm', 'bind/kvm.map-private-mmio', [VF, VM]);
    expect(v.message).toMatch(/is usable by vm0 but was not accepted there against the verified report$/);
  });

  it('catches an unbind plan that unbinds before unmapping (a mapping outlives its binding)', () => {
    const unbind = [{ step: 'tsm.stop' as const }, { step: 'tsm.unbind' as const }, { step: 'kvm.unmap-private-mmio' as const }, { step: 'iommu.teardown-trusted' as const }];
    expectCaught({ plugin: variant({ plans: { unbind } }), actions: [...UP_TO_RUN, { flow: 'unbind', tdi: VF }] }, 'private-mmio-only-in-bound-vm', 'unbind/tsm.unbind', [VF, VM]);
  });

  it('passes the reference plugin through the whole lifecycle with two VMs', () => {
    expect(violationOf({ plugin: REFERENCE, actions: LIFECYCLE, spec: TWO_VMS, toEnd: true })).toBeUndefined();
  });
});

describe('invariant 3: T=1 DMA only while RUN and enabled by the guest', () => {
  it('catches an IOMMU that translates before the guest enabled DMA, as soon as the TDI runs', () => {
    const plugin = variant({}, replacing('iommu', TranslatesBeforeEnable));
    const v = expectCaught({ plugin, actions: UP_TO_RUN }, 't1-dma-only-when-run-and-enabled', 'accept/guest.request-run', [VF, VM]);
    expect(v.message).toBe(`T=1 DMA from ${VF} (RUN) reaches vm0's memory, but the guest did not enable DMA`);
  });

  it('is not fooled while the TDI is only locked (no T=1 DMA before RUN)', () => {
    const plugin = variant({}, replacing('iommu', TranslatesBeforeEnable));
    expect(violationOf({ plugin, actions: UP_TO_RUN.slice(0, 3) })).toBeUndefined();
  });

  it('passes the reference IOMMU, which translates only once enabled', () => {
    expect(violationOf({ plugin: REFERENCE, actions: UP_TO_RUN })).toBeUndefined();
  });
});

describe('invariant 4: acceptance only on verified evidence of the current lock', () => {
  const relockBeforeAccept: ScenarioAction[] = [
    ...UP_TO_RUN.slice(0, 3),
    { step: 'guest.get-evidence', tdi: VF },
    { step: 'guest.verify-evidence', tdi: VF },
    { event: 'host-relock', tdi: VF },
    { step: 'guest.accept-mmio', tdi: VF },
  ];

  it('catches a freshness token that ignores relocks (host relock between evidence and accept)', () => {
    const plugin = variant({}, replacing('attestation', FreshnessIgnoresRelock));
    const v = expectCaught({ plugin, actions: relockBeforeAccept }, 'accept-only-verified-fresh-evidence', 'guest.accept-mmio', [VF, VM]);
    expect(v.message).toBe(`vm0 accepted ${VF} on evidence from lock #1, but the TDI had been locked again (#2)`);
  });

  it('catches an acceptance with no verified evidence behind it', () => {
    const h = new Harness();
    expect(h.act(...UP_TO_RUN.slice(0, 3))).toBeUndefined();
    const d = h.w.guests[VM]?.devices[VF];
    if (!d) throw new Error('no guest device');
    d.accepted.push(0);
    const v = h.catching(() => h.checker.afterAction(h.w, '/steps/3'));
    expect([v?.invariant, v?.step, v?.objects]).toEqual(['accept-only-verified-fresh-evidence', '/steps/3', [VF, VM]]);
  });

  it('passes the reference attestation: its freshness changes on relock, so the guest refuses', () => {
    const h = new Harness();
    expect(h.act(...relockBeforeAccept)).toBeUndefined();
    expect(h.last('guest.accept-mmio')).toBe('GUEST_REJECTED');
  });
});

describe('invariant 5: no fatal firmware error', () => {
  const upToBind: ScenarioAction[] = UP_TO_RUN.slice(0, 3);

  it('catches a port returning a fatal error: KVM kills the VM', () => {
    const v = expectCaught({ plugin: variant({}, replacing('mmio', FatalMap)), actions: upToBind }, 'no-fatal-firmware-error', 'bind/kvm.map-private-mmio', [VM]);
    expect(v.message).toBe('vm0 was killed (KVM_BUG_ON): DEVSEC.MMIO_MAP returned DEVSEC_MAP_CORRUPT');
  });

  it('does not count the same error when it is not fatal: the flow fails and unwinds instead', () => {
    const h = new Harness(variant({}, replacing('mmio', FailingMap)));
    expect(h.act(...upToBind)).toBeUndefined();
    expect(h.flows.at(-1)).toEqual({ flow: 'bind', ok: false, failedStep: 'kvm.map-private-mmio', code: 'DEVSEC_MAP_CORRUPT', unwoundWith: 'unbind' });
    expect(h.w.host.kvm[VM]?.killed).toBeUndefined();
  });
});

describe('invariant 6: nothing leaks after teardown', () => {
  it('catches a VM teardown that forgets tsm.unbind: the TDI context outlives its VM', () => {
    const vmDestroy = [...without('unbind', 'tsm.unbind', 'vfio.recover-mmio'), { step: 'vfio.close' as const }, { step: 'iommufd.viommu-destroy' as const }, { step: 'vm.destroy' as const }];
    const v = expectCaught({ plugin: variant({ plans: { vmDestroy } }), actions: [...UP_TO_RUN, { flow: 'vmDestroy', vm: VM }] }, 'no-leaks-after-teardown', 'vmDestroy', [VF, VM]);
    expect(v.message).toBe(`the TDI context of ${VF} for vm0 is left with no live owner`);
  });

  it('catches an unbind plan that forgets iommu.teardown-trusted', () => {
    const plugin = variant({ plans: { unbind: without('unbind', 'iommu.teardown-trusted') } });
    const v = expectCaught({ plugin, actions: [...UP_TO_RUN, { flow: 'unbind', tdi: VF }] }, 'no-leaks-after-teardown', 'unbind', [VF, VM]);
    expect(v.message).toBe(`the trusted DMA context of ${VF} for vm0 is left with no live owner`);
  });

  it('catches a disconnect that forgets the IDE stream', () => {
    const plugin = variant({}, replacing('tsm', DisconnectKeepsStream));
    const v = expectCaught({ plugin, actions: LIFECYCLE }, 'no-leaks-after-teardown', 'disconnect', [DSM]);
    expect(v.message).toBe(`IDE stream 0 with ${DSM} is left with no live owner`);
  });

  it('catches an SPDM session the host no longer knows of', () => {
    const h = new Harness();
    expect(h.act({ flow: 'connect', dsm: DSM })).toBeUndefined();
    const pf = h.w.host.pci[DSM];
    if (pf) pf.connected = false;
    const v = h.atEnd();
    expect([v?.invariant, v?.step, v?.objects, v?.message]).toEqual(['no-leaks-after-teardown', 'end of scenario', [DSM], `the SPDM session with ${DSM} is left with no live owner`]);
  });

  it('passes the reference teardown of the whole lifecycle, with nothing left in any firmware table', () => {
    const h = new Harness();
    expect(h.act(...LIFECYCLE) ?? h.atEnd()).toBeUndefined();
    expect(h.w.ports.tsm.view()).toEqual({ sessions: [], ideStreams: [], tdis: [], vms: [] });
    expect([h.w.ports.mmio.view(), h.w.ports.iommu.view()]).toEqual([[], []]);
  });
});

describe('invariant 7: no stale private mapping after a reset', () => {
  it('catches a surprise FLR (from the device) on a bound TDI that nobody unbinds', () => {
    const v = expectCaught({ plugin: REFERENCE, actions: [...UP_TO_RUN, { event: 'flr', via: 'device', tdi: VF }], toEnd: true }, 'no-stale-mapping-after-reset', 'end of scenario', [VF, VM]);
    expect(v.message).toBe(`range 0 of ${VF} is still mapped into vm0 after the function was reset`);
  });

  it('catches it at the next flow that settles, and for a loss of BME as well', () => {
    expectCaught({ plugin: REFERENCE, actions: [...UP_TO_RUN, { event: 'bme-clear', tdi: VF }, { flow: 'connect', dsm: DSM }] }, 'no-stale-mapping-after-reset', 'connect', [VF, VM]);
  });

  it('passes when the TDI is unbound after the FLR (STOP takes ERROR to CONFIG_UNLOCKED, the mapping goes)', () => {
    const h = new Harness();
    expect(h.act(...UP_TO_RUN, { event: 'flr', via: 'device', tdi: VF }, { flow: 'unbind', tdi: VF }) ?? h.atEnd()).toBeUndefined();
    expect(h.w.link.tdiState(VF)).toBe('CONFIG_UNLOCKED');
  });
});

describe('invariant 8: the VM is destroyed only after its devices are unbound, where the arch requires it', () => {
  const destroyFirst = [{ step: 'vfio.close' as const }, { step: 'iommufd.viommu-destroy' as const }, { step: 'vm.destroy' as const }, ...without('unbind', 'vfio.recover-mmio')];
  const actions: ScenarioAction[] = [...UP_TO_RUN, { flow: 'vmDestroy', vm: VM }];

  it('catches a vmDestroy plan that destroys the VM before unbinding, on an arch that requires unbind first', () => {
    const plugin = variant({ plans: { vmDestroy: destroyFirst }, semantics: { vmDestroyRequiresUnbind: true } });
    const v = expectCaught({ plugin, actions }, 'vm-destroyed-after-unbind', 'vmDestroy/vm.destroy', [VM, VF]);
    expect(v.message).toBe(`vm0 was destroyed with ${VF} still bound`);
  });

  it('does not apply where the arch does not require it', () => {
    expect(violationOf({ plugin: variant({ plans: { vmDestroy: destroyFirst } }), actions, toEnd: true })).toBeUndefined();
  });

  it('passes the reference vmDestroy plan (unbind first) on an arch that requires it', () => {
    expect(violationOf({ plugin: variant({ semantics: { vmDestroyRequiresUnbind: true } }), actions: LIFECYCLE, toEnd: true })).toBeUndefined();
  });
});

it('covers every invariant of PRODUCT.md, in its order', () => {
  expect(INVARIANTS.map((i) => i.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
});
