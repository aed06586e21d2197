import { HOST_LOCK_FLAGS, SEV_TIO_RULE_IDS, type SevTioRuleId } from '@teeio/arch-sev-tio';
import { type FwResult, InvariantViolation, LockInterfaceFlag, type Scenario, type TeeMmioRange } from '@teeio/core';
import { describe, expect, it } from 'vitest';
import { DSM, Rig, VF, VM, example, run, scenario } from './harness.js';

const code = (r: FwResult<unknown>): string => (r.ok ? 'ok' : r.code);
const ISSUE = { kind: 'issue' } as const;
const OUT = 0x10000;
/** A function of no device on the platform. */
const STRANGER = '0000:02:00.0';
/** The PF as a TDI of its own: its BAR0 range is not IS_MEM_ATTR_UPDATABLE. */
const PF = '0000:01:00.0';

/** A rig on a scenario, with the rules under test ablated or not. */
type MakeRig = (s?: Scenario) => Rig;

const tioInit = (h: Rig) => expect(code(h.psp.tioInit())).toBe('ok');

/** Connected, vPCI created, and a TDI context for the VF (unbound). */
function created(h: Rig): Rig {
  for (const f of ['connect', 'createVpci'] as const) expect(h.flow(f).ok).toBe(true);
  expect(code(h.psp.tdiCreate(DSM, VF))).toBe('ok');
  return h;
}

/** Connected, vPCI created, bound. */
function bound(h: Rig): Rig {
  for (const f of ['connect', 'createVpci', 'bind'] as const) expect(h.flow(f).ok).toBe(true);
  return h;
}

/** The guest attested, ran the TDI and enabled DMA: next it validates its MMIO. */
function attested(h: Rig): Rig {
  for (const s of ['guest.get-evidence', 'guest.verify-evidence', 'guest.request-run', 'guest.enable-dma'] as const) expect(h.step(s).ok).toBe(true);
  return h;
}

/** Bound without KVM's RMP update: the test makes its own. */
function boundWithoutRmp(h: Rig): Rig {
  for (const f of ['connect', 'createVpci'] as const) expect(h.flow(f).ok).toBe(true);
  for (const s of ['guest.request-lock', 'tsm.bind', 'iommu.setup-trusted', 'attestation.register'] as const) expect(h.step(s).ok).toBe(true);
  return h;
}

const validate = (h: Rig, r: TeeMmioRange) => code(h.mmio.guestAccept(VM, VF, r));
const bindParams = (h: Rig, o: { gctx?: string; lockFlags?: number; run?: boolean } = {}) => ({ gctx: h.gctx, guestDeviceId: 8, lockFlags: HOST_LOCK_FLAGS, run: false, outputLen: OUT, ...o });

/**
 * One rule of the SEV-TIO model, shown on the model directly: `check` breaks the rule and
 * expects the status the reference gives (a PSP SEV_RET_*, a guest message status, RMPUPDATE's,
 * or the host driver's errno), or for the rules that are a step rather than a refusal, the
 * state the step leaves. Each check runs twice: as is, and with its rule ablated, where it
 * must fail — the proof that the rule, and nothing else, stops it.
 */
interface UnitCase {
  readonly rule: SevTioRuleId;
  readonly title: string;
  check(make: MakeRig): void;
}

const UNIT: readonly UnitCase[] = [
  {
    rule: 'tio-init-before-commands',
    title: 'TIO_DEV_CREATE before TIO_INIT gets SEV_RET_INVALID_PLATFORM_STATE',
    check(make) {
      expect(code(make().psp.devCreate(DSM, 0x100, 0, 0))).toBe('SEV_RET_INVALID_PLATFORM_STATE');
    },
  },
  {
    rule: 'tio-init-requires-platform',
    title: 'TIO_INIT without SEV-TIO in SNP_FEATURE_INFO, or a second time, gets SEV_RET_INVALID_PLATFORM_STATE',
    check(make) {
      const h = make();
      h.fw.state.platform.tioFeature = false;
      expect(code(h.psp.tioInit())).toBe('SEV_RET_INVALID_PLATFORM_STATE');
      h.fw.state.platform.tioFeature = true;
      tioInit(h);
      expect(code(h.psp.tioInit())).toBe('SEV_RET_INVALID_PLATFORM_STATE');
    },
  },
  {
    rule: 'dev-create-requires-pf0',
    title: 'TIO_DEV_CREATE with the device_id of function 1 gets SEV_RET_INVALID_PARAM',
    check(make) {
      const h = make();
      tioInit(h);
      expect(code(h.psp.devCreate(VF, 0x101, 0, 0))).toBe('SEV_RET_INVALID_PARAM');
    },
  },
  {
    rule: 'dev-create-requires-no-context',
    title: 'a second TIO_DEV_CREATE for the device gets SEV_RET_SEV_STATUS_RECLAIM_REQUIRED',
    check(make) {
      const h = make();
      tioInit(h);
      expect(code(h.psp.devCreate(DSM, 0x100, 0, 0))).toBe('ok');
      expect(code(h.psp.devCreate(DSM, 0x100, 0, 0))).toBe('SEV_RET_SEV_STATUS_RECLAIM_REQUIRED');
    },
  },
  {
    rule: 'dev-connect-requires-created',
    title: 'TIO_DEV_CONNECT of a connected context gets SEV_RET_SEV_STATUS_INVALID_DEV_STATE',
    check(make) {
      const h = make();
      expect(h.flow('connect').ok).toBe(true);
      expect(code(h.psp.devConnect(DSM, { tcMask: 1, certSlot: 0, ideStreamIds: [0], outputLen: OUT }, ISSUE))).toBe('SEV_RET_SEV_STATUS_INVALID_DEV_STATE');
    },
  },
  {
    rule: 'dev-connect-requires-tc0',
    title: 'TIO_DEV_CONNECT without tc_mask bit 0 gets SEV_RET_INVALID_PARAM before any DOE exchange',
    check(make) {
      const h = make();
      tioInit(h);
      h.psp.devCreate(DSM, 0x100, 0, 0);
      expect(code(h.psp.devConnect(DSM, { tcMask: 2, certSlot: 0, ideStreamIds: [0], outputLen: OUT }, ISSUE))).toBe('SEV_RET_INVALID_PARAM');
    },
  },
  {
    rule: 'dev-evidence-requires-connected',
    title: 'TIO_DEV_MEASUREMENTS and TIO_DEV_CERTIFICATES before TIO_DEV_CONNECT get SEV_RET_SEV_STATUS_INVALID_DEV_STATE',
    check(make) {
      const h = make();
      tioInit(h);
      h.psp.devCreate(DSM, 0x100, 0, 0);
      expect(code(h.psp.devMeasurements(DSM, new Uint8Array(32), OUT, ISSUE))).toBe('SEV_RET_SEV_STATUS_INVALID_DEV_STATE');
      expect(code(h.psp.devCertificates(DSM, OUT, ISSUE))).toBe('SEV_RET_SEV_STATUS_INVALID_DEV_STATE');
    },
  },
  {
    rule: 'dev-disconnect-requires-no-tdi',
    title: 'TIO_DEV_DISCONNECT, even forced, while the device has a bound TDI gets SEV_RET_IN_USE',
    check(make) {
      const h = make().running();
      expect(code(h.psp.devDisconnect(DSM, true, ISSUE))).toBe('SEV_RET_IN_USE');
    },
  },
  {
    rule: 'dev-reclaim-requires-released',
    title: 'TIO_DEV_RECLAIM of a connected context gets SEV_RET_SEV_STATUS_INVALID_DEV_STATE',
    check(make) {
      const h = make().running();
      expect(code(h.psp.devReclaim(DSM))).toBe('SEV_RET_SEV_STATUS_INVALID_DEV_STATE');
      expect(h.fw.state.devices[DSM]).toBeDefined();
    },
  },
  {
    rule: 'tdi-create-requires-connected',
    title: 'TIO_TDI_CREATE on a device context not connected gets SEV_RET_SEV_STATUS_INVALID_DEV_STATE',
    check(make) {
      const h = make();
      tioInit(h);
      h.psp.devCreate(DSM, 0x100, 0, 0);
      expect(code(h.psp.tdiCreate(DSM, VF))).toBe('SEV_RET_SEV_STATUS_INVALID_DEV_STATE');
    },
  },
  {
    rule: 'tdi-create-requires-function-of-dsm',
    title: 'TIO_TDI_CREATE of a function of no such device gets SEV_RET_SEV_STATUS_INVALID_TDI',
    check(make) {
      const h = make();
      expect(h.flow('connect').ok).toBe(true);
      expect(code(h.psp.tdiCreate(DSM, STRANGER))).toBe('SEV_RET_SEV_STATUS_INVALID_TDI');
    },
  },
  {
    rule: 'tdi-create-requires-no-context',
    title: 'a second TIO_TDI_CREATE for the TDI gets SEV_RET_SEV_STATUS_RECLAIM_REQUIRED',
    check(make) {
      expect(code(created(make()).psp.tdiCreate(DSM, VF))).toBe('SEV_RET_SEV_STATUS_RECLAIM_REQUIRED');
    },
  },
  {
    rule: 'tdi-bind-requires-launched-guest',
    title: 'TIO_TDI_BIND naming a guest context with no ASID (no SNP_LAUNCH_START) gets SEV_RET_INVALID_GUEST',
    check(make) {
      const h = created(make());
      const gctx = h.psp.snpGctxCreate('vm9');
      if (!gctx.ok) throw new Error(gctx.code);
      expect(code(h.psp.tdiBind(DSM, VF, bindParams(h, { gctx: gctx.value }), ISSUE))).toBe('SEV_RET_INVALID_GUEST');
    },
  },
  {
    rule: 'tdi-bind-checks-lock-flags',
    title: 'TIO_TDI_BIND with BIND_P2P set (must be 0) gets SEV_RET_INVALID_PARAM before any TDISP message',
    check(make) {
      const h = created(make());
      expect(code(h.psp.tdiBind(DSM, VF, bindParams(h, { lockFlags: HOST_LOCK_FLAGS | LockInterfaceFlag.BIND_P2P }), ISSUE))).toBe('SEV_RET_INVALID_PARAM');
    },
  },
  {
    rule: 'tdi-bind-requires-unbound',
    title: 'TIO_TDI_BIND without RUN_FORCE of a bound TDI gets SEV_RET_SEV_STATUS_INVALID_TDI_STATE',
    check(make) {
      const h = bound(make());
      expect(code(h.psp.tdiBind(DSM, VF, bindParams(h), ISSUE))).toBe('SEV_RET_SEV_STATUS_INVALID_TDI_STATE');
    },
  },
  {
    rule: 'tdi-commands-require-bound-guest',
    title: 'TIO_TDI_BIND(RUN_FORCE), TIO_TDI_UNBIND and TIO_TDI_REPORT naming another launched guest get SEV_RET_INVALID_GUEST',
    check(make) {
      const h = bound(make(scenario([{ flow: 'connect', dsm: DSM }], { vms: [VM, 'vm1'] })));
      const other = h.fw.state.guests['vm1']?.gctx ?? '';
      expect(code(h.psp.tdiBind(DSM, VF, bindParams(h, { gctx: other, run: true }), ISSUE))).toBe('SEV_RET_INVALID_GUEST');
      expect(code(h.psp.tdiUnbind(DSM, VF, other, false, ISSUE))).toBe('SEV_RET_INVALID_GUEST');
      expect(code(h.psp.tdiReport(DSM, VF, other, OUT, ISSUE))).toBe('SEV_RET_INVALID_GUEST');
      expect(h.w.link.tdiState(VF)).toBe('CONFIG_LOCKED');
    },
  },
  {
    rule: 'tdi-requires-bound',
    title: 'TIO_TDI_UNBIND and TIO_TDI_REPORT of a TDI never bound get SEV_RET_SEV_STATUS_INVALID_TDI_STATE',
    check(make) {
      const h = created(make());
      expect(code(h.psp.tdiUnbind(DSM, VF, h.gctx, false, ISSUE))).toBe('SEV_RET_SEV_STATUS_INVALID_TDI_STATE');
      expect(code(h.psp.tdiReport(DSM, VF, h.gctx, OUT, ISSUE))).toBe('SEV_RET_SEV_STATUS_INVALID_TDI_STATE');
    },
  },
  {
    rule: 'tdi-reclaim-requires-unbind',
    title: 'TIO_TDI_RECLAIM of a bound TDI gets SEV_RET_SEV_STATUS_INVALID_TDI_STATE',
    check(make) {
      const h = bound(make());
      expect(code(h.psp.tdiReclaim(DSM, VF))).toBe('SEV_RET_SEV_STATUS_INVALID_TDI_STATE');
      expect(h.fw.state.tdis[VF]?.status).toBe('BIND_LOCKED');
    },
  },
  {
    rule: 'run-keeps-dma-blocked',
    title: 'RUN at attest: the TDI runs with T=1 DMA blocked until the guest\'s SDTE_WRITE (SDTE_WRITE_SUCCESS) enables it',
    check(make) {
      const h = bound(make());
      for (const s of ['guest.get-evidence', 'guest.verify-evidence', 'guest.request-run'] as const) expect(h.step(s).ok).toBe(true);
      expect(h.w.link.tdiState(VF)).toBe('RUN');
      expect(h.iommu.t1Translates(VM, VF)).toBe(false);
      expect(code(h.step('guest.enable-dma'))).toBe('ok');
      expect(h.iommu.t1Translates(VM, VF)).toBe(true);
    },
  },
  {
    rule: 'snp-decommission-requires-no-bound-tdi',
    title: 'SNP_DECOMMISSION while a TDI is bound to the guest context gets SEV_RET_IN_USE',
    check(make) {
      const h = make().running();
      expect(code(h.psp.snpDecommission(VM))).toBe('SEV_RET_IN_USE');
      expect(h.fw.state.guests[VM]).toBeDefined();
    },
  },
  {
    rule: 'guest-request-requires-owner',
    title: 'TDI_INFO, SDTE_WRITE and MMIO_VALIDATE with another guest context get SEV_RET_INVALID_GUEST, SDTE_WRITE_INVALID_TDI, MMIO_VALIDATE_INVALID_TDI',
    check(make) {
      const h = make().running();
      const r = h.range();
      const bad = '0xbad000';
      expect(code(h.psp.guestTdiInfo(DSM, VF, bad))).toBe('SEV_RET_INVALID_GUEST');
      expect(code(h.psp.sdteWrite(DSM, VF, bad, { valid: true, dmaEnabled: true, vtomEn: true, vtom: 1n }))).toBe('SDTE_WRITE_INVALID_TDI');
      expect(code(h.psp.mmioValidate(DSM, VF, bad, { gpa: r.gpa, pages: r.pages, rangeId: r.rangeId, rangeOffset: 0n, validated: false }))).toBe('MMIO_VALIDATE_INVALID_TDI');
    },
  },
  {
    rule: 'sdte-write-requires-bound',
    title: 'SDTE_WRITE of a valid entry after TIO_TDI_UNBIND gets SDTE_WRITE_TDI_NOT_BOUND',
    check(make) {
      const h = make().running();
      expect(h.step('tsm.stop').ok).toBe(true);
      expect(code(h.psp.sdteWrite(DSM, VF, h.gctx, { valid: true, dmaEnabled: true, vtomEn: true, vtom: 1n }))).toBe('SDTE_WRITE_TDI_NOT_BOUND');
    },
  },
  {
    rule: 'mmio-validate-requires-bound',
    title: 'MMIO_VALIDATE validated=1 after TIO_TDI_UNBIND gets MMIO_VALIDATE_TDI_UNBOUND',
    check(make) {
      const h = attested(bound(make()));
      expect(h.step('tsm.stop').ok).toBe(true);
      expect(validate(h, h.range())).toBe('MMIO_VALIDATE_TDI_UNBOUND');
    },
  },
  {
    rule: 'guest-range-requires-reported',
    title: 'MMIO_VALIDATE and MMIO_CONFIG of a range id the report lacks get MMIO_VALIDATE_NOT_REPORTED, MMIO_CONFIG_NOT_REPORTED',
    check(make) {
      const h = attested(bound(make()));
      expect(validate(h, { ...h.range(), rangeId: 5 })).toBe('MMIO_VALIDATE_NOT_REPORTED');
      expect(code(h.mmio.mmioConfig(VM, VF, 7))).toBe('MMIO_CONFIG_NOT_REPORTED');
    },
  },
  {
    rule: 'mmio-validate-within-range',
    title: 'MMIO_VALIDATE of a subrange running past the reported range gets MMIO_VALIDATE_OUT_OF_RANGE',
    check(make) {
      const h = attested(bound(make()));
      const r = h.range();
      expect(validate(h, { ...r, pages: r.pages + 1 })).toBe('MMIO_VALIDATE_OUT_OF_RANGE');
    },
  },
  {
    rule: 'mmio-validate-requires-assigned',
    title: 'MMIO_VALIDATE of pages the host never assigned in the RMP gets MMIO_VALIDATE_NOT_ASSIGNED',
    check(make) {
      const h = attested(boundWithoutRmp(make()));
      expect(validate(h, h.range())).toBe('MMIO_VALIDATE_NOT_ASSIGNED');
    },
  },
  {
    rule: 'mmio-validate-requires-uniform',
    title: 'MMIO_VALIDATE over a range whose first page is validated already gets MMIO_VALIDATE_NOT_UNIFORM',
    check(make) {
      const h = attested(bound(make()));
      const r = h.range();
      expect(validate(h, { ...r, pages: 1 })).toBe('ok');
      expect(validate(h, r)).toBe('MMIO_VALIDATE_NOT_UNIFORM');
    },
  },
  {
    rule: 'mmio-validate-requires-immutable',
    title: 'MMIO_VALIDATE of pages the RMP update left mutable (RFC v1 immutable=false) gets MMIO_VALIDATE_NOT_IMMUTABLE',
    check(make) {
      const h = boundWithoutRmp(make());
      expect(code(h.mmio.rmpUpdate(VM, VF, h.range(), { immutable: false }))).toBe('ok');
      expect(validate(attested(h), h.range())).toBe('MMIO_VALIDATE_NOT_IMMUTABLE');
    },
  },
  {
    rule: 'mmio-validate-requires-mapped-gpa',
    title: 'MMIO_VALIDATE of pages the RMP maps at another GPA gets MMIO_VALIDATE_NOT_MAPPED',
    check(make) {
      const h = boundWithoutRmp(make());
      const r = h.range();
      expect(code(h.mmio.mapPrivate(VM, VF, { ...r, gpa: r.gpa + 0x10_0000n }))).toBe('ok');
      expect(validate(attested(h), r)).toBe('MMIO_VALIDATE_NOT_MAPPED');
    },
  },
  {
    rule: 'mmio-config-requires-bound',
    title: 'MMIO_CONFIG after TIO_TDI_UNBIND gets MMIO_CONFIG_TDI_UNBOUND',
    check(make) {
      const h = make().running();
      expect(h.step('tsm.stop').ok).toBe(true);
      expect(code(h.mmio.mmioConfig(VM, VF, h.range().rangeId))).toBe('MMIO_CONFIG_TDI_UNBOUND');
    },
  },
  {
    rule: 'mmio-config-requires-updatable',
    title: 'an MMIO_CONFIG write of a range not IS_MEM_ATTR_UPDATABLE gets MMIO_CONFIG_COULD_NOT_CHANGE without asking the device',
    check(make) {
      const h = make(scenario([{ flow: 'connect', dsm: DSM }], { assign: [{ tdi: PF, vm: VM, guestRid: 16 }] })).running(PF);
      const from = h.w.tracer.length;
      expect(h.mmio.mmioConfig(VM, PF, 0, true)).toMatchObject({ ok: false, code: 'MMIO_CONFIG_COULD_NOT_CHANGE', detail: expect.stringMatching(/is not IS_MEM_ATTR_UPDATABLE$/) });
      expect(h.since(from).some((e) => e.op === 'SET_MMIO_ATTRIBUTE_REQUEST')).toBe(false);
    },
  },
  {
    rule: 'rmp-update-requires-unassigned',
    title: 'RMPUPDATE of pages assigned already fails with FAIL_INUSE',
    check(make) {
      const h = make().running();
      expect(code(h.mmio.mapPrivate(VM, VF, h.range()))).toBe('FAIL_INUSE');
    },
  },
  {
    rule: 'rmp-violation-fences-asid',
    title: 'the guest\'s access to MMIO the host revoked from a running TDI fences the ASID (TIO_ASID_FENCE_STATUS)',
    check(make) {
      const h = make().running();
      expect(h.step('kvm.unmap-private-mmio').ok).toBe(true);
      expect(h.mmio.guestAccess(VM, h.range().gpa, false).effect).toMatch(/ASID 1 fenced$/);
      expect(h.psp.asidFenceStatus(DSM, 1)).toEqual({ ok: true, value: true });
    },
  },
  {
    rule: 'host-disconnect-requires-no-bound-tdi',
    title: 'the host refuses a disconnect while a TDI is bound (-EBUSY) without calling the PSP',
    check(make) {
      const h = make().running();
      const from = h.w.tracer.length;
      expect(code(h.w.ports.tsm.disconnect(DSM, false))).toBe('-EBUSY');
      expect(h.since(from).filter((e) => e.actor === 'firmware')).toEqual([]);
    },
  },
  {
    rule: 'host-bind-requires-connected',
    title: 'the host refuses to bind on a device it has not connected (-ENXIO) without calling the PSP',
    check(make) {
      expect(code(make().host.bind(VF, VM, 8))).toBe('-ENXIO');
    },
  },
  {
    rule: 'host-run-requires-config-locked',
    title: 'the guest\'s RUN request for a TDI the device put in ERROR gets -EIO, with no TIO_TDI_BIND(RUN_FORCE)',
    check(make) {
      const h = bound(make());
      h.w.link.event(VF, (requesterId) => ({ kind: 'DEVICE_ERROR', requesterId }));
      const from = h.w.tracer.length;
      expect(code(h.w.ports.tsm.guestRequest(VM, VF, 'RUN'))).toBe('-EIO');
      expect(h.since(from).some((e) => e.op === 'TIO_TDI_BIND')).toBe(false);
    },
  },
  {
    rule: 'host-unbind-makes-rmp-shared',
    title: 'after the host\'s unbind the RMP holds none of the TDI\'s pages: a new RMPUPDATE of them succeeds',
    check(make) {
      const h = make().running();
      const r = h.range();
      expect(h.flow('unbind').ok).toBe(true);
      expect(h.fw.state.rmp).toEqual([]);
      expect(code(h.mmio.mapPrivate(VM, VF, r))).toBe('ok');
    },
  },
];

/**
 * Whether `check` failed one of its expectations, or a step of it broke an invariant: what the
 * model no longer refuses, the invariants may catch (the rig checks them after every step).
 */
function failedAssertion(check: () => void): boolean {
  try {
    check();
    return false;
  } catch (e) {
    if (e instanceof InvariantViolation || (e as Error).name === 'AssertionError') return true;
    throw e;
  }
}

const maker =
  (ablate: readonly SevTioRuleId[]): MakeRig =>
  (s) =>
    new Rig(s, ablate);

/** Rules shown by a scenario of examples/ (whose expectations fail when the rule is ablated). */
const SCENARIOS: readonly { readonly rule: SevTioRuleId; readonly file: string }[] = [
  { rule: 'snp-decommission-requires-no-bound-tdi', file: 'sev-tio-vm-destroy-while-bound' },
  { rule: 'mmio-validate-requires-assigned', file: 'sev-tio-mmio-validate-not-assigned' },
  { rule: 'rmp-violation-fences-asid', file: 'sev-tio-revoke-mmio-while-run' },
];

describe('each rule of the SEV-TIO model, from the reference', () => {
  it('every rule has a case', () => expect([...new Set(UNIT.map((u) => u.rule))].sort()).toEqual([...SEV_TIO_RULE_IDS].sort()));

  describe.each(UNIT)('$rule', ({ rule, title, check }) => {
    it(title, () => check(maker([])));
    it(`fails with ${rule} ablated`, () => expect(failedAssertion(() => check(maker([rule])))).toBe(true));
  });

  describe.each(SCENARIOS)('$file', ({ rule, file }) => {
    it('passes with every rule enforced', () => expect(run(example(file), { stateHash: false }).outcome).toBe('pass'));
    it(`fails when the model does not enforce ${rule}`, () => expect(run(example(file), { stateHash: false }, [rule]).outcome).toBe('fail'));
  });
});
