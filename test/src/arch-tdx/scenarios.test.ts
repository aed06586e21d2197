import { describe, expect, it } from 'vitest';
import { TDI, example, tdxExamples, runTdx } from './harness.js';

/** Firmware calls of a run, as `op result`, in order. */
const calls = (trace: readonly { actor: string; op: string; result: string }[]) => trace.filter((e) => e.actor === 'firmware').map((e) => `${e.op} ${e.result}`);

/** The position of the first trace entry matching `op` (and `result`) after `from`. */
function at(trace: readonly { actor: string; op: string; result: string }[], op: string, from = 0, result?: string): number {
  const i = trace.findIndex((e, n) => n >= from && e.op === op && (result === undefined || e.result === result));
  if (i < 0) throw new Error(`${op}${result ? ` ${result}` : ''} not found after #${from}`);
  return i;
}

describe('every example on TDX', () => {
  it.each(tdxExamples())('%s gives the outcome it expects', (file) => {
    const { report } = runTdx(example(file));
    expect(report.expectations.filter((x) => !x.ok)).toEqual([]);
    expect(report.outcome).toBe('pass');
  });
});

describe('full lifecycle', () => {
  const { report, firmware } = runTdx(example('lifecycle.json'));

  it('passes with every invariant checked after every step and nothing left in the module', () => {
    expect(report.violations).toEqual([]);
    expect(report.flows.every((f) => f.ok)).toBe(true);
    expect(firmware.devifs).toEqual({});
    expect(firmware.spdm).toEqual({});
    expect(firmware.streams).toEqual({});
    expect(firmware.dmar).toEqual({});
    expect(firmware.tds).toEqual({});
    expect(firmware.inFlight).toBeUndefined();
  });

  it('sets TDX Connect up before SPDM, relays every DOE exchange of TDH.SPDM.CONNECT and TDH.IDE.STREAM.KM', () => {
    const c = calls(report.trace);
    expect(c.slice(1, 4)).toEqual(['TDH.IOMMU.SETUP ok', 'TDH.IOMMU.SETUP TDX_OPERAND_INVALID', 'TDH.SPDM.CREATE ok']);
    // Four DOE exchanges (three DOE Discovery entries, IDE_KM QUERY): four TDX_SPDM_REQUEST, then success.
    expect(c.filter((x) => x.startsWith('TDH.SPDM.CONNECT'))).toEqual([...Array<string>(4).fill('TDH.SPDM.CONNECT TDX_SPDM_REQUEST'), 'TDH.SPDM.CONNECT ok']);
    const connect = report.trace.filter((e) => e.step === 'connect/tsm.connect' && e.actor === 'device').map((e) => e.op);
    expect(connect.slice(0, 4)).toEqual(['DOE_DISCOVERY', 'DOE_DISCOVERY', 'DOE_DISCOVERY', 'QUERY']);
    expect(connect.filter((op) => op === 'KEY_PROG')).toHaveLength(6);
    expect(connect.filter((op) => op === 'K_SET_GO')).toHaveLength(6);
  });

  it('binds with the host BDF and the TD, LOCKs through the module, maps MMIO after LOCK and before RUN', () => {
    const t = report.trace;
    const create = at(t, 'TDH.DEVIF.CREATE');
    expect(t[create]?.args).toMatchObject({ devifId: TDI });
    const lock = at(t, 'LOCK_INTERFACE_REQUEST', create);
    expect(t[lock]?.caller).toBe('iommufd');
    const owned = at(t, 'TDH.MMIO.MT.SET', lock);
    const mapped = at(t, 'TDH.MMIO.MAP', owned);
    const accepted = at(t, 'TDG.MMIO.ACCEPT', mapped);
    const dma = at(t, 'TDG.DMAR.ACCEPT', accepted);
    const authorised = at(t, 'TDG.TDI.START', dma);
    const start = at(t, 'START_INTERFACE_REQUEST', authorised);
    expect(at(t, 'TDH.TDI.START', authorised)).toBeLessThan(start);
  });

  it('unbinds in the order the module enforces: STOP, S-EPT unmap, trusted DMA clean-up, TDI removal, recover', () => {
    const c = calls(report.trace.filter((e) => e.step?.startsWith('unbind/') === true));
    const order = ['TDH.DEVIF.REQUEST ok', 'TDH.DEVIF.RESPONSE ok', 'TDH.MMIO.BLOCK ok', 'TDH.MEM.TRACK ok', 'TDH.MMIO.UNMAP ok', 'TDH.DMAR.BLOCK ok', 'TDH.IQINV.REQ ok', 'TDH.DMAR.REMOVE ok', 'TDH.DEVIF.REMOVE ok'];
    expect(c.filter((x) => order.includes(x))).toEqual(order);
  });

  it('refreshes a spent SPDM session key with TDH.SPDM.MNG(KEY_UPDATE) and tears IDE and SPDM down in the reference order', () => {
    const c = calls(report.trace);
    const refresh = c.indexOf('TDH.DEVIF.REQUEST TDX_SPDM_SESSION_KEY_REQUIRE_REFRESH');
    expect(refresh).toBeGreaterThan(0);
    expect(c[refresh + 1]).toBe('TDH.SPDM.MNG ok');
    expect(c.slice(-5)).toEqual(['TDH.IDE.STREAM.KM ok', 'TDH.IDE.STREAM.BLOCK ok', 'TDH.IDE.STREAM.DELETE ok', 'TDH.SPDM.DISCONNECT ok', 'TDH.SPDM.DELETE ok']);
    expect(report.trace.filter((e) => e.step === 'disconnect/tsm.disconnect' && e.op === 'K_SET_STOP')).toHaveLength(6);
  });
});

describe('close() of the VFIO fd and VM destroy while bound', () => {
  /** Steps of `flow` that did something, in order. */
  const done = (r: ReturnType<typeof runTdx>['report'], flow: string) => r.steps.filter((s) => s.flow === flow && s.result === 'ok').map((s) => s.step);

  it('close(): the TDI is unbound (STOP, KVM removes the S-EPT, DMA clean-up, removal), then the vDEVICE goes, then the device', () => {
    const { report } = runTdx(example('vfio-close-while-bound.json'));
    expect(report.violations).toEqual([]);
    expect(done(report, 'vfioClose')).toEqual(['tsm.stop', 'kvm.unmap-private-mmio', 'iommu.teardown-trusted', 'tsm.unbind', 'iommufd.vdevice-destroy', 'vfio.close']);
    // The S-EPT is gone before the module frees the TDI, and the TDI before the vDEVICE.
    const t = report.trace;
    const unmap = at(t, 'TDH.MMIO.UNMAP', 0, 'ok');
    const removed = at(t, 'TDH.DEVIF.REMOVE', unmap, 'ok');
    expect(at(t, 'iommufd.vdevice-destroy', removed)).toBeGreaterThan(removed);
  });

  it('VM destroy: every CC vPCI device is unbound and closed before the TD is torn down', () => {
    const { report, firmware } = runTdx(example('vm-destroy-bound.json'));
    expect(report.violations).toEqual([]);
    expect(done(report, 'vmDestroy')).toEqual(['tsm.stop', 'kvm.unmap-private-mmio', 'iommu.teardown-trusted', 'tsm.unbind', 'iommufd.vdevice-destroy', 'vfio.close', 'iommufd.viommu-destroy', 'vm.destroy']);
    const t = report.trace;
    expect(at(t, 'TDH.PHYMEM.PAGE.RECLAIM', at(t, 'TDH.DEVIF.REMOVE', 0, 'ok'), 'ok')).toBeGreaterThan(0);
    expect(firmware.tds).toEqual({});
  });
});

describe('FLR on a bound TDI', () => {
  it('through VFIO: unbind first (STOP, unmap, DMA, removal), then revoke, then reset; nothing stale remains', () => {
    const { report, firmware } = runTdx(example('flr-bound.json'));
    expect(report.violations).toEqual([]);
    const flr = report.steps.filter((s) => s.flow === 'flr' && s.result === 'ok').map((s) => s.step);
    expect(flr).toEqual(['tsm.stop', 'kvm.unmap-private-mmio', 'iommu.teardown-trusted', 'tsm.unbind', 'vfio.revoke-mmio', 'pci.flr', 'vfio.recover-mmio']);
    expect(Object.values(firmware.tds).flatMap((td) => Object.keys(td.mmio))).toEqual([]);
  });

  it('from the device: the TDI goes to ERROR, the module still accepts STOP, and the S-EPT mapping is removed before the reset', () => {
    const { report } = runTdx(example('tdx-flr-surprise.json'));
    expect(report.violations).toEqual([]);
    const t = report.trace;
    const error = at(t, 'TDI → ERROR');
    const stop = at(t, 'STOP_INTERFACE_REQUEST', error);
    expect(t[stop]?.result).toBe('STOP_INTERFACE_RESPONSE');
    const unmap = at(t, 'TDH.MMIO.UNMAP', stop, 'ok');
    expect(at(t, 'pci.flr', unmap)).toBeGreaterThan(unmap);
  });
});
