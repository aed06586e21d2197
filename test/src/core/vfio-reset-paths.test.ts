import { describe, expect, it } from 'vitest';
import { RESET_KINDS, type ResetKind, tsmSysfs } from '../../../core/src/host/pci.js';
import { Harness, PF, UP_TO_RUN, VF, VM } from './harness.js';

/** Both functions of the default device assigned: the PF (a TDI too) and its VF. */
const BOTH = { assignments: [{ tdi: VF, vm: VM, guestRid: 8 }, { tdi: PF, vm: VM, guestRid: 16 }] };

/** Which functions each reset reaches when asked of the PF (linux-tsm-core §4; the PCIe reset scopes). */
const REACHES: Record<ResetKind, readonly string[]> = {
  flr: [PF, VF],
  'hot-reset': [PF, VF],
  d3: [PF, VF],
  'mse-clear': [PF],
  'bme-clear': [PF],
};

describe('VFIO reset paths ([HOST-RFC] 20/30: unbind before zapping, for every reset)', () => {
  it.each(RESET_KINDS)('%s through VFIO unbinds the bound TDI, revokes, then resets: no stale mapping, no violation', (kind) => {
    const h = new Harness();
    expect(h.act(...UP_TO_RUN, { event: kind, tdi: VF, via: 'vfio' }) ?? h.atEnd()).toBeUndefined();
    const order = h.engine.records.filter((r) => r.flow === 'flr' && r.result === 'ok').map((r) => r.step);
    expect(order.indexOf('tsm.unbind')).toBeGreaterThanOrEqual(0);
    expect(order.indexOf('tsm.unbind')).toBeLessThan(order.indexOf('vfio.revoke-mmio'));
    expect(order.indexOf('vfio.revoke-mmio')).toBeLessThan(order.indexOf('pci.flr'));
    expect(h.engine.records.find((r) => r.step === 'pci.flr')?.target.reset).toBe(kind);
    expect([tsmSysfs(h.w, VF).bound, h.w.host.pci[VF]?.resetEpoch, h.w.link.tdiState(VF)]).toEqual(['', 1, 'CONFIG_UNLOCKED']);
  });

  it.each(RESET_KINDS)('%s through VFIO with pci-blocks is refused while the TDI is bound: it stays RUN, nothing reset', (kind) => {
    const h = new Harness(undefined, { flrPolicy: 'pci-blocks' });
    expect(h.act(...UP_TO_RUN, { event: kind, tdi: VF, via: 'vfio' })).toBeUndefined();
    expect(h.last('pci.flr')).toBe('-EBUSY');
    expect([h.w.host.pci[VF]?.resetEpoch, h.w.link.tdiState(VF)]).toEqual([0, 'RUN']);
  });

  it.each(RESET_KINDS)('%s of the PF reaches exactly the functions its scope says', (kind) => {
    const h = new Harness(undefined, BOTH);
    expect(h.act({ event: kind, tdi: PF, via: 'device' })).toBeUndefined();
    const reset = [PF, VF].filter((b) => (h.w.host.pci[b]?.resetEpoch ?? 0) > 0);
    expect(reset).toEqual(REACHES[kind]);
  });

  it.each(['hot-reset', 'd3', 'mse-clear'] as const)('%s straight to the device sends the bound TDI to ERROR and, left unhandled, leaves a stale mapping (invariant 7)', (kind) => {
    const h = new Harness();
    expect(h.act(...UP_TO_RUN, { event: kind, tdi: VF, via: 'device' })).toBeUndefined();
    expect(h.w.link.tdiState(VF)).toBe('ERROR');
    expect(h.atEnd()).toMatchObject({ invariant: 'no-stale-mapping-after-reset', objects: [VF, VM] });
  });

  it('a hot reset through VFIO unbinds every bound TDI of the device before the reset', () => {
    const h = new Harness(undefined, BOTH);
    expect(h.act(...UP_TO_RUN, { flow: 'createVpci', tdi: PF }, { flow: 'bind', tdi: PF }, { event: 'hot-reset', tdi: VF }) ?? h.atEnd()).toBeUndefined();
    const unbound = h.engine.records.filter((r) => r.step === 'tsm.unbind' && r.result === 'ok').map((r) => r.target.tdi);
    expect(unbound).toEqual(expect.arrayContaining([PF, VF]));
    expect([tsmSysfs(h.w, PF).bound, tsmSysfs(h.w, VF).bound]).toEqual(['', '']);
  });
});

describe('dma-buf revoke (vfio_pci_dma_buf_move)', () => {
  it('revoking while private MMIO is mapped makes KVM, the importer, unmap it through the firmware at once', () => {
    const h = new Harness();
    expect(h.act(...UP_TO_RUN)).toBeUndefined();
    expect(h.w.ports.mmio.view().length).toBeGreaterThan(0);
    h.act({ step: 'vfio.revoke-mmio', tdi: VF });
    const revoke = h.w.tracer.entries.findLast((e) => e.op === 'vfio.revoke-mmio');
    const after = h.w.tracer.entries.filter((e) => revoke && e.seq > revoke.seq);
    expect(after.map((e) => [e.caller, e.actor, e.op])).toEqual(
      expect.arrayContaining([
        [undefined, 'vfio', 'dma_buf_move_notify(revoke) of the private dma-buf'],
        ['kvm', 'firmware', 'DEVSEC.MMIO_UNMAP'],
      ]),
    );
    expect([h.w.ports.mmio.view(), h.w.host.kvm[VM]?.privateMmio[VF]]).toEqual([[], []]);
  });

  it('revoking with nothing private mapped only drops the shared side', () => {
    const h = new Harness();
    expect(h.act({ flow: 'connect', dsm: '0000:01:00.0' }, { flow: 'createVpci', tdi: VF }, { step: 'vfio.revoke-mmio', tdi: VF })).toBeUndefined();
    expect(h.w.tracer.entries.some((e) => e.op.startsWith('dma_buf_move_notify'))).toBe(false);
    expect(h.w.host.vfio[VF]).toMatchObject({ hostMmap: false, sharedRevoked: true });
  });
});
