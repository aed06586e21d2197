import { HOST_LOCK_FLAGS, lockFlagProblem } from '@teeio/arch-sev-tio';
import { LockInterfaceFlag } from '@teeio/core';
import { describe, expect, it } from 'vitest';
import { DSM, Rig, VF, VM, run, scenario } from './harness.js';

const F = LockInterfaceFlag;

/** Connected and vPCI created; the TDI has a context but is not bound. */
function created(): Rig {
  const rig = new Rig();
  for (const f of ['connect', 'createVpci'] as const) expect(rig.flow(f).ok).toBe(true);
  expect(rig.psp.tdiCreate(DSM, VF).ok).toBe(true);
  return rig;
}

/** Issues TIO_TDI_BIND through the host's relay loop. */
function bindWith(rig: Rig, lockFlags: number) {
  const host = rig.host as unknown as { drive: (dsm: string, issue: (r: never) => unknown) => { ok: boolean; code?: string; detail?: string } };
  return host.drive(DSM, (r) => rig.psp.tdiBind(DSM, VF, { gctx: rig.gctx, guestDeviceId: 8, lockFlags, run: false, outputLen: 0x10000 }, r));
}

describe('SEV-TIO PSP: TIO_STATUS / TIO_INIT', () => {
  it('refuses TIO commands before TIO_INIT (SEV_RET_INVALID_PLATFORM_STATE)', () => {
    const rig = new Rig();
    expect(rig.psp.devCreate(DSM, 0x100, 0, 0)).toMatchObject({ ok: false, code: 'SEV_RET_INVALID_PLATFORM_STATE' });
    expect(rig.psp.tioStatus()).toMatchObject({ ok: true, value: { tioEn: true, tioInitDone: false } });
    expect(rig.psp.tioInit().ok).toBe(true);
    expect(rig.psp.tioInit()).toMatchObject({ ok: false, code: 'SEV_RET_INVALID_PLATFORM_STATE' });
    expect(rig.psp.devCreate(DSM, 0x100, 0, 0).ok).toBe(true);
  });

  it.each([
    ['firmware older than 1.55', (p: { fw: { major: number; minor: number } }) => void (p.fw = { major: 1, minor: 51 }), 'firmware 1.51 < 1.55'],
    ['no SEV-TIO in SNP_FEATURE_INFO', (p: { tioFeature: boolean }) => void (p.tioFeature = false), 'SNP_FEATURE_INFO does not report SEV-TIO'],
  ])('TIO_INIT refuses a platform with %s', (_what, change, detail) => {
    const rig = new Rig();
    change(rig.fw.state.platform as never);
    expect(rig.psp.tioInit()).toMatchObject({ ok: false, code: 'SEV_RET_INVALID_PLATFORM_STATE', detail });
  });

  it('TIO_INIT needs SNP_INIT_EX with tio_en=1; with TIO disabled the host connect fails with -ENOENT', () => {
    const rig = new Rig();
    rig.fw.state.platform.tioEn = false;
    expect(rig.psp.tioInit()).toMatchObject({ ok: false, code: 'SEV_RET_INVALID_PLATFORM_STATE' });
    expect(rig.step('tsm.connect')).toMatchObject({ ok: false, code: '-ENOENT', detail: expect.stringMatching(/SEV-TIO Support, PCIE IDE Capability/) });
  });

  it('TIO_DEV_CREATE wants PF0 and one context per device', () => {
    const rig = new Rig();
    rig.psp.tioInit();
    expect(rig.psp.devCreate(VF, 0x101, 0, 0)).toMatchObject({ ok: false, code: 'SEV_RET_INVALID_PARAM' });
    expect(rig.psp.devCreate(DSM, 0x100, 0, 0).ok).toBe(true);
    expect(rig.psp.devCreate(DSM, 0x100, 0, 0)).toMatchObject({ ok: false, code: 'SEV_RET_SEV_STATUS_RECLAIM_REQUIRED' });
    expect(rig.psp.devConnect(DSM, { tcMask: 2, certSlot: 0, ideStreamIds: [0], outputLen: 0x10000 }, { kind: 'issue' })).toMatchObject({ ok: false, code: 'SEV_RET_INVALID_PARAM', detail: 'tc_mask bit 0 (TC0) is required' });
  });
});

describe('SEV-TIO PSP: the DOE relay', () => {
  it('a command resumes only with what it waits for', () => {
    const rig = new Rig();
    rig.psp.tioInit();
    rig.psp.devCreate(DSM, 0x100, 0, 0);
    expect(rig.psp.devConnect(DSM, { tcMask: 1, certSlot: 0, ideStreamIds: [0], outputLen: 0x100 }, { kind: 'reply', reply: { proto: 'NONE', error: 'x' } })).toMatchObject({ ok: false, code: 'SEV_RET_INVALID_PARAM' });
    const first = rig.psp.devConnect(DSM, { tcMask: 1, certSlot: 0, ideStreamIds: [0], outputLen: 0x100 }, { kind: 'issue' });
    expect(first).toMatchObject({ ok: false, code: 'SEV_RET_SPDM_REQUEST', detail: 'DOE discovery index 0' });
    expect(rig.psp.spdmRequest(DSM)).toEqual({ proto: 'DOE_DISCOVERY', index: 0 });
    expect(rig.fw.state.devices[DSM]?.pending).toMatchObject({ op: 'TIO_DEV_CONNECT', awaiting: 'spdm' });
    // Another command cannot pick the reply up.
    expect(rig.psp.devDisconnect(DSM, false, { kind: 'reply', reply: { proto: 'NONE', error: 'x' } })).toMatchObject({ ok: false, code: 'SEV_RET_INVALID_PARAM' });
    // A device that does not answer DOE discovery fails the connect.
    expect(rig.psp.devConnect(DSM, { tcMask: 1, certSlot: 0, ideStreamIds: [0], outputLen: 0x100 }, { kind: 'reply', reply: { proto: 'NONE', error: '-EIO' } })).toMatchObject({
      ok: false,
      code: 'SEV_RET_SEV_STATUS_ERR_IN_DEV_CONN',
    });
    // A restore drops the suspended command; the record goes with it.
    rig.fw.restore(rig.fw.snapshot());
    expect(rig.fw.programs.size).toBe(0);
  });

  it('grows the host buffers once (SEV_RET_EXPAND_BUFFER_LENGTH_REQUEST), then outputs fit', () => {
    const r = run(scenario([{ flow: 'connect', dsm: DSM }, { flow: 'createVpci', tdi: VF }, { flow: 'bind', tdi: VF }]));
    expect(r.trace.filter((e) => e.result === 'SEV_RET_EXPAND_BUFFER_LENGTH_REQUEST').map((e) => e.op)).toEqual(['TIO_DEV_CONNECT']);
    expect(r.trace.filter((e) => e.op === 'sla_expand')).toHaveLength(1);
  });
});

describe('SEV-TIO PSP: TIO_TDI_BIND', () => {
  it('takes the guest BDF and guest context as the TDI identity', () => {
    const rig = created();
    expect(bindWith(rig, HOST_LOCK_FLAGS).ok).toBe(true);
    expect(rig.fw.state.tdis[VF]).toMatchObject({ status: 'BIND_LOCKED', vm: VM, gctx: rig.gctx, guestDeviceId: 8, interfaceId: 0x101, lockFlags: HOST_LOCK_FLAGS });
    expect(rig.w.link.tdiState(VF)).toBe('CONFIG_LOCKED');
    expect(rig.psp.tdiBind(DSM, VF, { gctx: '0x1000', guestDeviceId: 8, lockFlags: HOST_LOCK_FLAGS, run: true, outputLen: 0x10000 }, { kind: 'issue' })).toMatchObject({ ok: false, code: 'SEV_RET_INVALID_GUEST' });
    expect(rig.psp.tdiBind(DSM, VF, { gctx: rig.gctx, guestDeviceId: 8, lockFlags: HOST_LOCK_FLAGS, run: false, outputLen: 0x10000 }, { kind: 'issue' })).toMatchObject({ ok: false, code: 'SEV_RET_SEV_STATUS_INVALID_TDI_STATE' });
    expect(rig.psp.tdiReclaim(DSM, VF)).toMatchObject({ ok: false, code: 'SEV_RET_SEV_STATUS_INVALID_TDI_STATE' });
    expect(rig.psp.tdiCreate(DSM, VF)).toMatchObject({ ok: false, code: 'SEV_RET_SEV_STATUS_RECLAIM_REQUIRED' });
  });

  it.each([
    ['BIND_P2P set (must be 0)', HOST_LOCK_FLAGS | F.BIND_P2P, 'BIND_P2P must be 0'],
    ['ALL_REQUEST_REDIRECT clear (must be 1)', HOST_LOCK_FLAGS & ~F.ALL_REQUEST_REDIRECT, 'ALL_REQUEST_REDIRECT must be 1'],
    ['CACHE_LINE_SIZE set (must be 0)', HOST_LOCK_FLAGS | F.SYSTEM_CACHE_LINE_SIZE, 'CACHE_LINE_SIZE must be 0'],
    ['a reserved bit', HOST_LOCK_FLAGS | 0x20, 'reserved LOCK flag bits 0x20 set'],
  ])('refuses LOCK flags with %s: SEV_RET_INVALID_PARAM before any LOCK', (_what, flags, detail) => {
    const rig = created();
    const from = rig.w.tracer.length;
    expect(bindWith(rig, flags)).toMatchObject({ ok: false, code: 'SEV_RET_INVALID_PARAM', detail });
    expect(rig.since(from).some((e) => e.op === 'LOCK_INTERFACE_REQUEST')).toBe(false);
    expect(rig.w.link.tdiState(VF)).toBe('CONFIG_UNLOCKED');
    expect(rig.fw.state.tdis[VF]?.status).toBe('UNBOUND');
  });

  it('accepts NO_FW_UPDATE and LOCK_MSIX either way', () => {
    for (const flags of [F.ALL_REQUEST_REDIRECT, F.ALL_REQUEST_REDIRECT | F.NO_FW_UPDATE, F.ALL_REQUEST_REDIRECT | F.LOCK_MSIX]) expect(lockFlagProblem(flags)).toBeUndefined();
  });

  it('refuses flags the device does not support (the spdm-emu sample has no ALL_REQUEST_REDIRECT): SEV-TIO cannot bind it', () => {
    const r = run(
      scenario([{ flow: 'connect', dsm: '0000:be:1d.0' }, { flow: 'createVpci', tdi: '0000:be:1d.7' }, { flow: 'bind', tdi: '0000:be:1d.7' }], {
        platform: { devices: [{ id: 'emu', preset: 'spdm-emu-sample' }] },
        assign: [{ tdi: '0000:be:1d.7', vm: VM, guestRid: 8 }],
      }),
    );
    expect(r.violations).toEqual([]);
    expect(r.flows.map((f) => [f.flow, f.ok])).toEqual([
      ['connect', true],
      ['createVpci', true],
      ['bind', false],
    ]);
    const bind = r.trace.find((e) => e.op === 'TIO_TDI_BIND' && e.result === 'SEV_RET_INVALID_PARAM');
    expect(bind).toBeDefined();
    expect(r.trace.some((e) => e.op === 'LOCK_INTERFACE_REQUEST')).toBe(false);
  });

  it('RUN_FORCE starts a locked TDI; a second RUN request is a no-op', () => {
    const rig = new Rig();
    for (const f of ['connect', 'createVpci', 'bind'] as const) rig.flow(f);
    expect(rig.w.ports.tsm.guestRequest(VM, VF, 'RUN').ok).toBe(true);
    expect(rig.fw.state.tdis[VF]).toMatchObject({ status: 'BIND_RUN', ran: true });
    expect(rig.fw.state.tdis[VF]?.nonce).toBeUndefined();
    const from = rig.w.tracer.length;
    expect(rig.w.ports.tsm.guestRequest(VM, VF, 'RUN').ok).toBe(true);
    expect(rig.since(from).filter((e) => e.op === 'TIO_TDI_BIND')).toEqual([]);
    expect(rig.w.ports.tsm.guestRequest('vm1', VF, 'RUN')).toMatchObject({ ok: false, code: '-EINVAL' });
  });
});

describe('SEV-TIO PSP: TIO_TDI_UNBIND, STATUS, INFO, RECLAIM', () => {
  it('with FORCE the binding goes even when the device does not answer the STOP', () => {
    const rig = new Rig().running();
    const host = rig.host as unknown as { drive: (dsm: string, issue: (r: never) => unknown, tolerant?: boolean) => { ok: boolean; code?: string } };
    // The DOE exchange carrying the STOP fails (pci_doe() -EIO).
    const failing = rig.w.faults;
    failing.restore({ ...failing.snapshot(), failures: [{ kind: 'doe', nth: failing.count('doe') + 1 }] });
    expect(host.drive(DSM, (r) => rig.psp.tdiUnbind(DSM, VF, rig.gctx, false, r))).toMatchObject({ ok: false, code: '-EIO' });
    expect(rig.fw.state.tdis[VF]?.status).toBe('BIND_RUN');
    failing.restore({ ...failing.snapshot(), failures: [{ kind: 'doe', nth: failing.count('doe') + 1 }] });
    expect(host.drive(DSM, (r) => rig.psp.tdiUnbind(DSM, VF, rig.gctx, true, r), true)).toMatchObject({ ok: true });
    expect(rig.fw.state.tdis[VF]?.status).toBe('UNBOUND');
    // The device never saw the STOP: TIO_TDI_STATUS says so.
    expect(host.drive(DSM, (r) => rig.psp.tdiStatus(DSM, VF, r))).toMatchObject({ ok: true, value: 'RUN' });
  });

  it('TIO_TDI_INFO reports the binding, digests and counter without SPDM', () => {
    const rig = new Rig().running();
    const from = rig.w.tracer.length;
    const info = rig.psp.tdiInfo(DSM, VF);
    expect(info).toMatchObject({ ok: true, value: { status: 'BIND_RUN', lockFlags: HOST_LOCK_FLAGS, asid: 1, intfReportCounter: 2 } });
    expect(rig.since(from).map((e) => e.actor)).toEqual(['firmware']);
  });
});

describe('SEV-TIO PSP: RMP, sDTE and MMIO_CONFIG', () => {
  it('RMPUPDATE refuses pages that are assigned already (FAIL_INUSE)', () => {
    const rig = new Rig().running();
    expect(rig.w.ports.mmio.mapPrivate(VM, VF, rig.range())).toMatchObject({ ok: false, code: 'FAIL_INUSE' });
  });

  it('SDTE_WRITE: a valid entry needs a bound TDI of this guest; invalidation is accepted until reclaim', () => {
    const rig = new Rig().running();
    expect(rig.psp.sdteWrite(DSM, VF, '0xbad000', { valid: true, dmaEnabled: true, vtomEn: true, vtom: 1n })).toMatchObject({ ok: false, code: 'SDTE_WRITE_INVALID_TDI' });
    expect(rig.step('tsm.stop').ok).toBe(true);
    expect(rig.iommu.t1Translates(VM, VF)).toBe(false);
    expect(rig.psp.sdteWrite(DSM, VF, rig.gctx, { valid: true, dmaEnabled: true, vtomEn: true, vtom: 1n })).toMatchObject({ ok: false, code: 'SDTE_WRITE_TDI_NOT_BOUND' });
    expect(rig.w.ports.iommu.guestDisableDma(VM, VF).ok).toBe(true);
  });

  it('MMIO_CONFIG reads and, on an updatable range of a running TDI, writes IS_NON_TEE_MEM (SET_MMIO_ATTRIBUTE)', () => {
    const PF = '0000:01:00.0';
    const rig = new Rig(scenario([{ flow: 'connect', dsm: DSM }], { assign: [{ tdi: PF, vm: VM, guestRid: 16 }] })).running(PF);
    expect(rig.mmio.mmioConfig(VM, PF, 2)).toEqual({ ok: true, value: { nonTee: false } });
    expect(rig.mmio.mmioConfig(VM, PF, 0, true)).toMatchObject({ ok: false, code: 'MMIO_CONFIG_COULD_NOT_CHANGE' });
    expect(rig.mmio.mmioConfig(VM, PF, 7)).toMatchObject({ ok: false, code: 'MMIO_CONFIG_NOT_REPORTED' });
    const from = rig.w.tracer.length;
    expect(rig.mmio.mmioConfig(VM, PF, 2, true)).toEqual({ ok: true, value: { nonTee: true } });
    expect(rig.since(from).find((e) => e.op === 'SET_MMIO_ATTRIBUTE_REQUEST')?.result).toBe('SET_MMIO_ATTRIBUTE_RESPONSE');
    expect(rig.mmio.mmioConfig(VM, PF, 2)).toEqual({ ok: true, value: { nonTee: true } });
    // A range the guest made non-TEE is no longer one MMIO_VALIDATE takes.
    const bar2 = rig.ranges(PF).find((r) => r.rangeId === 2);
    if (!bar2) throw new Error('no BAR2 range');
    expect(rig.w.ports.mmio.guestRelease(VM, PF, bar2)).toMatchObject({ ok: false, code: 'MMIO_VALIDATE_NOT_REPORTED' });
    rig.checkAll();
  });

  it('SNP_DECOMMISSION is refused while a TDI is bound to the guest context', () => {
    const rig = new Rig().running();
    expect(rig.psp.snpDecommission(VM)).toMatchObject({ ok: false, code: 'SEV_RET_IN_USE', detail: `TDIs still bound to the guest context: ${VF}` });
  });
});
