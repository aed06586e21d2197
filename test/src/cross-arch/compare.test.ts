/**
 * compareArchs on the seed thread's lifecycle: the differences the reference documents between
 * TDX Connect, SEV-TIO and CCA show in the aligned structure, and the assertion helpers fail
 * when the order they check is the other way round.
 */
import { Ajv } from 'ajv';
import { loadScenario } from '@teeio/core';
import { COMPARISON_SCHEMA, type Comparison, cellAt, compareArchs, expectCallOrder, expectDiffer, rowsOf, stepOrder, verdictOf } from '@teeio/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ARCHS, EXAMPLES, lifecycle } from './plugins.js';

let c: Comparison;
beforeAll(() => {
  c = compareArchs(lifecycle(), ARCHS);
});

describe('compareArchs on the lifecycle', () => {
  it('is one document of the documented shape, with every arch passing', () => {
    const validate = new Ajv({ strict: true }).compile(COMPARISON_SCHEMA);
    expect(validate(JSON.parse(JSON.stringify(c))), JSON.stringify(validate.errors)).toBe(true);
    expect(c.archs).toEqual(['tdx', 'sev-tio', 'cca']);
    for (const arch of c.archs) expect(verdictOf(c, arch)).toEqual({ arch, outcome: 'pass', stoppedBy: null });
  });

  it('unbind order: TDX stops before it unmaps ([MOD] TDH.MMIO.UNMAP needs CONFIG_UNLOCKED); CCA unmaps before it unlocks (arm-cca §unlock)', () => {
    const tdx = stepOrder(c, 'tdx', 'unbind');
    const cca = stepOrder(c, 'cca', 'unbind');
    expect(tdx.indexOf('tsm.stop')).toBeLessThan(tdx.indexOf('kvm.unmap-private-mmio'));
    expect(cca.indexOf('kvm.unmap-private-mmio')).toBeLessThan(cca.indexOf('tsm.stop'));
    expectCallOrder(c, 'tdx', 'TDH.DEVIF.RESPONSE', 'TDH.MMIO.UNMAP');
    expectCallOrder(c, 'cca', 'RMI_RTT_DEV_UNMAP', 'RMI_VDEV_UNLOCK');
    expect(() => expectCallOrder(c, 'cca', 'RMI_VDEV_UNLOCK', 'RMI_RTT_DEV_UNMAP')).toThrow(/calls RMI_RTT_DEV_UNMAP before RMI_VDEV_UNLOCK/);
    expectDiffer(c, 'tdx', 'cca', 'tsm.stop', 'unbind');
  });

  it('a step one plan moves is one step moved, not two unrelated rows', () => {
    const stops = rowsOf(c, 'tsm.stop', 'unbind');
    expect(stops).toHaveLength(2);
    expect(stops.flatMap((r) => r.moved)).toContain('cca');
    expect(stops.flatMap((r) => r.moved)).toContain('tdx');
  });

  it('RUN at attest on SEV-TIO: RUN before the guest validates its MMIO, through TIO_TDI_BIND(RUN_FORCE) (sev-tio.md)', () => {
    const sev = stepOrder(c, 'sev-tio', 'accept');
    const tdx = stepOrder(c, 'tdx', 'accept');
    expect(sev.indexOf('guest.request-run')).toBeLessThan(sev.indexOf('guest.accept-mmio'));
    expect(tdx.indexOf('guest.accept-mmio')).toBeLessThan(tdx.indexOf('guest.request-run'));
    expect(cellAt(c, 'sev-tio', 'guest.request-run').calls.map((x) => x.op)).toContain('TIO_TDI_BIND');
    expect(cellAt(c, 'sev-tio', 'guest.request-run').after?.tdisp).toBe('RUN');
  });

  it('hypervisor mapping after bind: SEV-TIO keeps it (the RMP enforces); TDX and CCA revoke it before LOCK', () => {
    expect(cellAt(c, 'sev-tio', 'tsm.bind', 'bind').after?.hypervisorMmio).toBe(true);
    expect(cellAt(c, 'tdx', 'tsm.bind', 'bind').after?.hypervisorMmio).toBe(false);
    expect(cellAt(c, 'cca', 'tsm.bind', 'bind').after?.hypervisorMmio).toBe(false);
    expectDiffer(c, 'sev-tio', 'tdx', 'tsm.bind', 'bind');
    expect(() => expectDiffer(c, 'tdx', 'cca', 'vfio.open', 'createVpci')).toThrow(/did the same/);
  });

  it('the TDI state after each step: CONFIG_LOCKED after bind, RUN after the run request, CONFIG_UNLOCKED after STOP, on every arch', () => {
    for (const arch of c.archs) {
      expect(cellAt(c, arch, 'tsm.bind', 'bind').after?.tdisp).toBe('CONFIG_LOCKED');
      expect(cellAt(c, arch, 'guest.request-run', 'accept').after?.tdisp).toBe('RUN');
      expect(cellAt(c, arch, 'tsm.stop', 'unbind').after?.tdisp).toBe('CONFIG_UNLOCKED');
      expect(cellAt(c, arch, 'kvm.unmap-private-mmio', 'unbind').after?.privateMmio).toBe(0);
    }
  });

  it('folds only rows every arch did alike', () => {
    const rows = c.flows.flatMap((f) => f.steps);
    expect(rows.find((r) => r.step === 'vfio.open')?.same).toBe(true);
    expect(rows.filter((r) => r.step === 'tsm.bind').every((r) => !r.same)).toBe(true);
  });
});

describe('verdicts', () => {
  it('name the invariant that stopped a run: a bind with the BARs still mmapped breaks invariant host-cannot-touch-private-mmio on TDX and CCA, not on SEV-TIO (the RMP guards)', () => {
    const v = compareArchs(loadScenario(`${EXAMPLES}tdx-bind-with-hypervisor-mapping.json`), ARCHS);
    expect(verdictOf(v, 'tdx').stoppedBy).toMatch(/^invariant \d host-cannot-touch-private-mmio after tsm\.bind$/);
    expect(verdictOf(v, 'cca').stoppedBy).toMatch(/host-cannot-touch-private-mmio/);
    expect(verdictOf(v, 'sev-tio').stoppedBy).toBeNull();
  });

  it('name the firmware error that failed a flow: a guest accepting MMIO the host never mapped, in each vendor code', () => {
    const v = compareArchs(loadScenario(`${EXAMPLES}cca-validate-mapping-rejected.json`), ARCHS);
    expect(verdictOf(v, 'cca').stoppedBy).toBe('accept/guest.accept-mmio: RSI_VDEV_VALIDATE_MAPPING_REJECTED');
    expect(verdictOf(v, 'sev-tio').stoppedBy).toBe('accept/guest.accept-mmio: MMIO_VALIDATE_NOT_ASSIGNED');
    expect(verdictOf(v, 'tdx').stoppedBy).toMatch(/^accept\/guest\.accept-mmio: TDX_/);
  });
});
