/**
 * The host kernel model against linux-tsm-core.md: PCI/TSM connect, bind and disconnect rules
 * (§1 Flows, sysfs ABI), iommufd's vIOMMU holding the KVM and the vDEVICE/close order (§3), and
 * the FLR policies (§3 "FLR": unbind the TDI first, then revoke MMIOs, then do FLR).
 */
import { describe, expect, it } from 'vitest';
import { pciFlr, pciTsmBind, pciTsmConnect, tsmSysfs } from '../../../core/src/host/pci.js';
import type { ScenarioAction } from '../../../core/src/scenario/scenario.js';
import { DSM, Harness, LIFECYCLE, PF, UP_TO_RUN, VF, VM, run, stepResult, variant, without } from './harness.js';

/** Both functions of the default device assigned to vm0: the VF (guest RID 8) and PF0 (16). */
const BOTH = { assignments: [{ tdi: VF, vm: VM, guestRid: 8 }, { tdi: PF, vm: VM, guestRid: 16 }] };

describe('tsm/connect', () => {
  it('connects only a DSM (function 0): -ENXIO for any other function, without asking the TSM', () => {
    const h = new Harness();
    const before = h.firmwareOps().length;
    expect(pciTsmConnect(h.w, VF)).toMatchObject({ ok: false, code: '-ENXIO' });
    expect(h.firmwareOps()).toHaveLength(before);
    expect(pciTsmConnect(h.w, DSM)).toEqual({ ok: true, value: undefined });
  });

  it('connects once: a second connect is -EBUSY and leaves the session alone', () => {
    const r = run([{ step: 'tsm.connect', dsm: DSM }, { step: 'tsm.connect', dsm: DSM }]);
    expect([stepResult(r, 'tsm.connect', 1), stepResult(r, 'tsm.connect', 2)]).toEqual(['ok', '-EBUSY']);
    expect(r.trace.filter((e) => e.op === 'DEVSEC.CONNECT')).toHaveLength(1);
  });
});

describe('pci_tsm_bind', () => {
  it('needs a connected DSM: -ENXIO, and the TSM is not asked', () => {
    const r = run([{ flow: 'createVpci', tdi: VF }, { step: 'tsm.bind', tdi: VF }]);
    expect(stepResult(r, 'tsm.bind')).toBe('-ENXIO');
    expect(r.trace.some((e) => e.op === 'DEVSEC.BIND')).toBe(false);
  });

  it('goes through the vDEVICE: without one for the VM, -ENOENT (so a bound TDI always has its BARs revoked)', () => {
    const h = new Harness();
    expect(h.act({ flow: 'connect', dsm: DSM }, { flow: 'bind', tdi: VF })).toBeUndefined();
    expect(h.flows.at(-1)).toMatchObject({ ok: false, failedStep: 'tsm.bind', code: '-ENOENT' });
    expect(h.firmwareOps()).not.toContain('DEVSEC.BIND');
    // Found by the random-order property: bind, then createVpci, mmapped the BARs of a locked TDI.
    expect(h.act({ flow: 'createVpci', tdi: VF })).toBeUndefined();
    expect(h.w.link.tdiState(VF)).toBe('CONFIG_UNLOCKED');
  });

  it('a second bind to the same VM is a no-op: no second LOCK, same lock epoch', () => {
    const h = new Harness();
    expect(h.act(...UP_TO_RUN.slice(0, 3), { step: 'tsm.bind', tdi: VF })).toBeUndefined();
    expect(h.last('tsm.bind')).toBe('ok');
    expect(h.firmwareOps().filter((op) => op === 'DEVSEC.BIND')).toHaveLength(1);
    expect(h.w.link.lockEpoch(VF)).toBe(1);
  });

  it('a bind to another VM is -EBUSY and keeps the first binding', () => {
    const h = new Harness(undefined, { vms: ['vm0', 'vm1'] });
    expect(h.act(...UP_TO_RUN.slice(0, 3))).toBeUndefined();
    expect(pciTsmBind(h.w, VF, 'vm1', 8)).toMatchObject({ ok: false, code: '-EBUSY' });
    expect(h.w.host.pci[VF]?.bound?.vm).toBe(VM);
    expect(h.firmwareOps().filter((op) => op === 'DEVSEC.BIND')).toHaveLength(1);
  });
});

describe('tsm/disconnect', () => {
  it('unbinds every TDI of the DSM first (pci_tsm_unbind_all), then disconnects', () => {
    const h = new Harness(undefined, BOTH);
    const upToRun = (tdi: string): ScenarioAction[] => [{ flow: 'createVpci', tdi }, { flow: 'bind', tdi }, { flow: 'accept', tdi }];
    expect(h.act({ flow: 'connect', dsm: DSM }, ...upToRun(VF), ...upToRun(PF))).toBeUndefined();
    expect([tsmSysfs(h.w, VF).bound, tsmSysfs(h.w, PF).bound]).toEqual(['tsm0', 'tsm0']);
    const from = h.engine.records.length;
    expect(h.act({ flow: 'disconnect', dsm: DSM })).toBeUndefined();
    const done = h.engine.records.slice(from).filter((s) => s.result === 'ok');
    expect(done.map((s) => `${s.step}${s.target.tdi ? ` ${s.target.tdi}` : ''}`)).toEqual([
      `tsm.stop ${PF}`,
      `kvm.unmap-private-mmio ${PF}`,
      `iommu.teardown-trusted ${PF}`,
      `tsm.unbind ${PF}`,
      `vfio.recover-mmio ${PF}`,
      `tsm.stop ${VF}`,
      `kvm.unmap-private-mmio ${VF}`,
      `iommu.teardown-trusted ${VF}`,
      `tsm.unbind ${VF}`,
      `vfio.recover-mmio ${VF}`,
      'tsm.disconnect',
    ]);
    expect([tsmSysfs(h.w, VF), tsmSysfs(h.w, PF)]).toEqual([
      { connect: '', bound: '', dsm: '' },
      { connect: '', bound: '', dsm: '' },
    ]);
    expect(h.w.ports.tsm.view()).toEqual({ sessions: [], ideStreams: [], tdis: [], vms: [VM] });
  });
});

describe('tsm/disconnect with a TDI still bound', () => {
  it('is refused (-EBUSY) when the arch unbind plan left the TDI bound: no binding outlives its DSM connection', () => {
    const h = new Harness(variant({ plans: { unbind: without('unbind', 'tsm.unbind') } }));
    expect(h.act(...UP_TO_RUN, { flow: 'disconnect', dsm: DSM }) ?? h.atEnd()).toBeUndefined();
    expect(h.flows.slice(-2).map((f) => [f.flow, f.ok, f.code])).toEqual([['unbind', true, undefined], ['disconnect', false, '-EBUSY']]);
    expect([tsmSysfs(h.w, DSM).connect, tsmSysfs(h.w, VF).bound]).toEqual(['tsm0', 'tsm0']);
    expect(h.w.ports.tsm.view().sessions).toEqual([DSM]);
  });

  it('is refused as a single step, and as the unwind of a second connect (which must not tear the first down)', () => {
    const h = new Harness();
    expect(h.act(...UP_TO_RUN, { step: 'tsm.disconnect', dsm: DSM }, { flow: 'connect', dsm: DSM })).toBeUndefined();
    expect(h.engine.records.filter((s) => s.step === 'tsm.disconnect').map((s) => s.result)).toEqual(['-EBUSY', '-EBUSY']);
    expect(h.flows.at(-1)).toEqual({ flow: 'connect', ok: false, failedStep: 'tsm.connect', code: '-EBUSY', unwoundWith: 'disconnect' });
    expect([h.w.link.tdiState(VF), tsmSysfs(h.w, DSM).connect]).toEqual(['RUN', 'tsm0']);
    expect(h.firmwareOps()).not.toContain('DEVSEC.DISCONNECT');
  });
});

describe('tsm/connect, tsm/bound and tsm/dsm as sysfs shows them', () => {
  it('follow connect, bind, unbind and disconnect', () => {
    const h = new Harness();
    const views = () => [tsmSysfs(h.w, DSM), tsmSysfs(h.w, VF)];
    const none = { connect: '', bound: '', dsm: '' };
    expect(views()).toEqual([none, none]);
    h.act({ flow: 'connect', dsm: DSM }, { flow: 'createVpci', tdi: VF });
    // tsm/connect reads the TSM name on the DSM only; tsm/dsm names the DSM on every function it manages.
    expect(views()).toEqual([
      { connect: 'tsm0', bound: '', dsm: DSM },
      { connect: '', bound: '', dsm: DSM },
    ]);
    h.act({ flow: 'bind', tdi: VF });
    expect(tsmSysfs(h.w, VF).bound).toBe('tsm0');
    expect(tsmSysfs(h.w, DSM).bound).toBe('');
    h.act({ flow: 'accept', tdi: VF });
    expect(tsmSysfs(h.w, VF, 'tsm3').bound).toBe('tsm3');
    h.act({ flow: 'unbind', tdi: VF });
    expect(tsmSysfs(h.w, VF).bound).toBe('');
    h.act({ flow: 'disconnect', dsm: DSM });
    expect(views()).toEqual([none, none]);
  });

  it('tsm/bound stays set for a bound TDI the device sent to ERROR (LOCKED, RUN or ERROR)', () => {
    const h = new Harness();
    h.act(...UP_TO_RUN, { event: 'device-error', tdi: VF });
    expect([h.w.link.tdiState(VF), tsmSysfs(h.w, VF).bound]).toEqual(['ERROR', 'tsm0']);
  });
});

describe('iommufd and KVM', () => {
  it('the vIOMMU holds the KVM: closing the KVM fd destroys the VM only once the vIOMMU is destroyed', () => {
    const h = new Harness();
    expect(h.act({ flow: 'createVpci', tdi: VF }, { step: 'vm.destroy', vm: VM })).toBeUndefined();
    const vm = () => h.w.host.kvm[VM];
    expect([vm()?.phase, vm()?.fdOpen, vm()?.holders]).toEqual(['running', false, [`vfio:${VF}`, 'viommu']]);
    h.act({ step: 'iommufd.vdevice-destroy', tdi: VF }, { step: 'vfio.close', tdi: VF });
    expect([vm()?.phase, vm()?.holders]).toEqual(['running', ['viommu']]);
    expect(h.firmwareOps()).not.toContain('DEVSEC.VM_DESTROY');
    h.act({ step: 'iommufd.viommu-destroy', tdi: VF });
    expect(vm()?.phase).toBe('destroyed');
    expect(h.firmwareOps().slice(-2)).toEqual(['DEVSEC.VIOMMU_FREE', 'DEVSEC.VM_DESTROY']);
  });

  it('the vIOMMU cannot go while a vDEVICE uses it (-EBUSY from IOMMU_DESTROY)', () => {
    const h = new Harness();
    h.act({ flow: 'createVpci', tdi: VF });
    // The step skips in that case; IOMMU_DESTROY itself refuses.
    h.act({ step: 'iommufd.viommu-destroy', tdi: VF });
    expect(h.last('iommufd.viommu-destroy')).toBe('skipped');
    expect(h.w.host.iommufd.viommus[VM]).toBeDefined();
  });

  it('a vDEVICE destroyed before its device is closed is not forced', () => {
    const h = new Harness();
    h.act({ flow: 'createVpci', tdi: VF }, { flow: 'vfioClose', tdi: VF });
    expect(h.w.host.iommufd.forced).toEqual([]);
    expect(h.w.host.iommufd.vdevices).toEqual({});
  });

  it('closing the device with its vDEVICE still there destroys the vDEVICE forcibly, and records it', () => {
    const h = new Harness();
    h.act({ flow: 'createVpci', tdi: VF }, { step: 'vfio.close', tdi: VF });
    expect(h.last('vfio.close')).toBe('ok');
    expect(h.w.host.iommufd.forced).toEqual([VF]);
    expect(h.w.host.iommufd.vdevices).toEqual({});
  });

  it('a TSM-bound vDEVICE cannot be destroyed: -EBUSY', () => {
    const h = new Harness();
    h.act(...UP_TO_RUN.slice(0, 3), { step: 'iommufd.vdevice-destroy', tdi: VF });
    expect(h.last('iommufd.vdevice-destroy')).toBe('-EBUSY');
  });

  it('a destroyed VM gets no new vIOMMU, and so no vDEVICE and no binding (-ENOENT)', () => {
    const h = new Harness();
    expect(h.act({ flow: 'connect', dsm: DSM }, { flow: 'vmDestroy', vm: VM }, { flow: 'createVpci', tdi: VF }, { flow: 'bind', tdi: VF })).toBeUndefined();
    expect([h.last('iommufd.viommu-alloc'), h.last('tsm.bind')]).toEqual(['-ENOENT', '-ENOENT']);
    expect(h.w.ports.tsm.view().tdis).toEqual([]);
  });

  it('steps on a VM whose KVM_CREATE_VM failed fail with -ENOENT instead of throwing', () => {
    const r = run([{ flow: 'connect', dsm: DSM }, { flow: 'createVpci', tdi: VF }, { step: 'kvm.map-shared-mmio', tdi: VF }], undefined, { faults: [{ kind: 'firmware', nth: 1 }] });
    expect(stepResult(r, 'vm.create')).toBe('DEVSEC_BUSY');
    expect([stepResult(r, 'iommufd.viommu-alloc'), stepResult(r, 'kvm.map-shared-mmio')]).toEqual(['-ENOENT', '-ENOENT']);
    expect(r.violations).toEqual([]);
  });
});

describe('FLR policy', () => {
  it('pci-blocks: the PCI core refuses to reset a bound TDI (-EBUSY); it stays RUN and bound', () => {
    const h = new Harness(undefined, { flrPolicy: 'pci-blocks' });
    expect(h.act(...UP_TO_RUN, { event: 'flr', tdi: VF })).toBeUndefined();
    expect(h.last('pci.flr')).toBe('-EBUSY');
    expect([h.w.link.tdiState(VF), tsmSysfs(h.w, VF).bound, h.w.host.pci[VF]?.resetEpoch]).toEqual(['RUN', 'tsm0', 0]);
    expect(h.flows.some((f) => f.flow === 'flr')).toBe(false);
  });

  it('pci-blocks resets a TDI that is not bound', () => {
    const h = new Harness(undefined, { flrPolicy: 'pci-blocks' });
    expect(h.act({ flow: 'createVpci', tdi: VF }, { event: 'flr', tdi: VF })).toBeUndefined();
    expect([h.last('pci.flr'), h.w.host.pci[VF]?.resetEpoch]).toEqual(['ok', 1]);
  });

  it('vfio-unbinds: the plugin flr plan unbinds, revokes, then resets; nothing stale remains', () => {
    const r = run([...UP_TO_RUN, { event: 'flr', tdi: VF }, { flow: 'vmDestroy', vm: VM }, { flow: 'disconnect', dsm: DSM }]);
    expect(r.violations).toEqual([]);
    const flr = r.steps.filter((s) => s.flow === 'flr' && s.result === 'ok').map((s) => s.step);
    expect(flr).toEqual(['tsm.stop', 'kvm.unmap-private-mmio', 'iommu.teardown-trusted', 'tsm.unbind', 'vfio.revoke-mmio', 'pci.flr']);
  });

  it('the scenario flrPolicy overrides the plugin semantics, both ways', () => {
    const blocks = variant({ semantics: { flrPolicy: 'pci-blocks' } });
    expect(stepResult(run([...UP_TO_RUN, { event: 'flr', tdi: VF }], blocks), 'pci.flr')).toBe('-EBUSY');
    expect(stepResult(run([...UP_TO_RUN, { event: 'flr', tdi: VF }], blocks, { flrPolicy: 'vfio-unbinds' }), 'pci.flr')).toBe('ok');
  });

  it('a PF FLR reaches its VFs: both are counted as reset, and a locked VF goes to ERROR', () => {
    const h = new Harness();
    expect(h.act(...UP_TO_RUN.slice(0, 3))).toBeUndefined();
    const moved = pciFlr(h.w, PF);
    expect(moved).toEqual({ ok: true, value: [expect.stringContaining('01:00.1')] });
    expect([h.w.host.pci[PF]?.resetEpoch, h.w.host.pci[VF]?.resetEpoch]).toEqual([1, 1]);
    expect([h.w.host.pci[VF]?.bme, h.w.host.pci[VF]?.mse]).toEqual([false, false]);
    expect(h.w.link.tdiState(VF)).toBe('ERROR');
    // ... and the VF's private mapping is now stale until someone unbinds it.
    expect(h.atEnd()?.invariant).toBe('no-stale-mapping-after-reset');
  });

  it('vfio-unbinds: a PF FLR through VFIO unbinds the bound VF it reaches before the PF plan runs', () => {
    const h = new Harness(undefined, BOTH);
    expect(h.act(...UP_TO_RUN, { flow: 'createVpci', tdi: PF }, { event: 'flr', tdi: PF }) ?? h.atEnd()).toBeUndefined();
    expect(h.flows.slice(-2).map((f) => [f.flow, f.ok])).toEqual([['unbind', true], ['flr', true]]);
    const vfUnbound = h.engine.records.findIndex((s) => s.step === 'tsm.unbind' && s.target.tdi === VF && s.result === 'ok');
    const pfReset = h.engine.records.findIndex((s) => s.step === 'pci.flr' && s.target.tdi === PF);
    expect(vfUnbound).toBeGreaterThan(0);
    expect(pfReset).toBeGreaterThan(vfUnbound);
    expect([tsmSysfs(h.w, VF).bound, h.w.host.pci[VF]?.resetEpoch, h.w.link.tdiState(VF)]).toEqual(['', 1, 'CONFIG_UNLOCKED']);
  });

  it('pci-blocks: a PF FLR is refused while a VF it reaches is bound', () => {
    const h = new Harness(undefined, { ...BOTH, flrPolicy: 'pci-blocks' });
    expect(h.act(...UP_TO_RUN, { flow: 'createVpci', tdi: PF }, { event: 'flr', tdi: PF })).toBeUndefined();
    expect(h.last('pci.flr')).toBe('-EBUSY');
    expect([h.w.host.pci[PF]?.resetEpoch, h.w.host.pci[VF]?.resetEpoch, h.w.link.tdiState(VF)]).toEqual([0, 0, 'RUN']);
  });

  it('a VF FLR does not reach the PF', () => {
    const h = new Harness();
    pciFlr(h.w, VF);
    expect([h.w.host.pci[PF]?.resetEpoch, h.w.host.pci[VF]?.resetEpoch]).toEqual([0, 1]);
  });
});

describe('the lifecycle as the host sees it', () => {
  it('ends with every kernel object gone', () => {
    const h = new Harness();
    expect(h.act(...LIFECYCLE) ?? h.atEnd()).toBeUndefined();
    expect(h.w.host.iommufd).toMatchObject({ viommus: {}, vdevices: {}, forced: [] });
    expect(h.w.host.kvm[VM]).toMatchObject({ phase: 'destroyed', fdOpen: false, holders: [], sharedMmio: [], privateMmio: { [VF]: [] } });
    expect(h.w.host.vfio[VF]).toMatchObject({ open: false, hostMmap: false });
    expect(h.w.host.pci[DSM]?.connected).toBe(false);
  });
});
