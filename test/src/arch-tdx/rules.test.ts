import { type FwResult, type TdispMessage, interfaceIdOf } from '@teeio/core';
import { TDX, TDX_RULE_IDS, type TdxRuleId } from '@teeio/arch-tdx';
import { describe, expect, it } from 'vitest';
import { DSM, TDI, VM, example, runTdx, type TdxModel, tdxModel } from './harness.js';

const code = (r: FwResult<unknown>) => (r.ok ? 'ok' : r.code);

/** Drives an extension call to its end through the host's relay, as tdx-host does. */
const connected = (h: TdxModel) => {
  h.flow('connect');
  const s = h.fw.spdmOfDsm(DSM);
  const x = h.fw.streamOfDsm(DSM);
  if (!s || !x) throw new Error('not connected');
  return { spdmId: s.spdmId, handle: x.handle };
};

/**
 * One ordering or ownership rule of the module, shown on the model directly: `check` breaks
 * the rule and expects the module's own status. Each check is run twice: as is, and with its
 * rule ablated, where it must fail — the proof that the rule, and nothing else, stops it.
 */
interface UnitCase {
  readonly rule: TdxRuleId;
  readonly title: string;
  check(h: TdxModel): void;
}

const UNIT: readonly UnitCase[] = [
  {
    rule: 'iommu-setup-before-spdm',
    title: 'TDH.SPDM.CREATE before any TDH.IOMMU.SETUP is refused; after it, accepted',
    check(h) {
      expect(code(h.spdm.spdmCreate(DSM))).toBe(TDX.OPERAND_INVALID);
      expect(code(h.spdm.iommuSetup('0xfed91000', false))).toBe(TDX.OPERAND_INVALID);
      expect(code(h.spdm.iommuSetup('0xfed90000', true))).toBe('ok');
      expect(code(h.spdm.spdmCreate(DSM))).toBe('ok');
    },
  },
  {
    rule: 'extension-calls-serialised',
    title: 'a second extension call while TDH.SPDM.CONNECT waits for the host gets TDX_OPERAND_BUSY; the first then completes',
    check(h) {
      h.spdm.iommuSetup('0xfed90000', true);
      const created = h.spdm.spdmCreate(DSM);
      if (!created.ok) throw new Error(created.code);
      const id = created.value;
      expect(code(h.spdm.spdmConnect(id))).toBe(TDX.SPDM_REQUEST);
      expect(h.fw.state.inFlight?.op).toBe('TDH.SPDM.CONNECT');
      expect(code(h.spdm.spdmDisconnect(id))).toBe(TDX.OPERAND_BUSY);
      expect(code(h.spdm.spdmMng(id, 'HEARTBEAT'))).toBe(TDX.OPERAND_BUSY);
      // The call in flight is unharmed: the host carries its messages and it finishes.
      const done = h.host.extension(String(id), () => h.spdm.resumeSpdmConnect(id, { response: relayPending(h, String(id)) }), (t) => h.spdm.resumeSpdmConnect(id, t));
      expect(code(done)).toBe('ok');
      expect(h.fw.state.inFlight).toBeUndefined();
      expect(code(h.spdm.spdmMng(id, 'HEARTBEAT'))).toBe('ok');
    },
  },
  {
    rule: 'ide-km-requires-unblocked-stream',
    title: 'TDH.IDE.STREAM.KM(STOP) after TDH.IDE.STREAM.BLOCK is refused: KM first, then BLOCK',
    check(h) {
      const { handle } = connected(h);
      expect(code(h.spdm.ideStreamBlock(handle))).toBe('ok');
      expect(code(h.spdm.ideStreamKm(handle, 'STOP'))).toBe(TDX.IDE_STREAM_INVALID_STATE);
    },
  },
  {
    rule: 'ide-delete-requires-block',
    title: 'TDH.IDE.STREAM.DELETE of a stream not blocked is refused',
    check(h) {
      const { handle } = connected(h);
      expect(code(h.spdm.ideStreamDelete(handle))).toBe(TDX.IDE_STREAM_NOT_BLOCKED);
    },
  },
  {
    rule: 'ide-delete-requires-no-devif',
    title: 'TDH.IDE.STREAM.DELETE while a DEVIF uses the stream is refused',
    check(h) {
      h.flow('connect', 'createVpci', 'bind');
      const x = h.fw.streamOfDsm(DSM);
      if (!x) throw new Error('no stream');
      expect(code(h.spdm.ideStreamBlock(x.handle))).toBe('ok');
      expect(code(h.spdm.ideStreamDelete(x.handle))).toBe(TDX.IDE_STREAM_HAS_DEVICE_INTERFACES);
    },
  },
  {
    rule: 'spdm-disconnect-requires-no-stream',
    title: 'TDH.SPDM.DISCONNECT and TDH.SPDM.DELETE while an IDE stream uses the session are refused',
    check(h) {
      const { spdmId } = connected(h);
      expect(code(h.spdm.spdmDisconnect(spdmId))).toBe(TDX.SPDM_HAS_ACTIVE_IDE_STREAMS);
      expect(code(h.spdm.spdmDelete(spdmId))).toBe(TDX.SPDM_HAS_ACTIVE_IDE_STREAMS);
    },
  },
  {
    rule: 'spdm-delete-requires-disconnect',
    title: 'TDH.SPDM.DELETE of a connected session is refused: DISCONNECT first',
    check(h) {
      const { spdmId, handle } = connected(h);
      expect(code(h.host.extension(String(handle), () => h.spdm.ideStreamKm(handle, 'STOP'), (t) => h.spdm.resumeIdeStreamKm(handle, 'STOP', t), spdmId))).toBe('ok');
      expect(code(h.spdm.ideStreamBlock(handle))).toBe('ok');
      expect(code(h.spdm.ideStreamDelete(handle))).toBe('ok');
      expect(code(h.spdm.spdmDelete(spdmId))).toBe(TDX.SPDM_SESSION_CONNECTED);
      expect(code(h.spdm.spdmDisconnect(spdmId))).toBe('ok');
      expect(code(h.spdm.spdmDelete(spdmId))).toBe('ok');
    },
  },
  {
    rule: 'devif-error-state-filter',
    title: 'in ERROR the module sends only GET_DEVICE_INTERFACE_STATE and STOP',
    check(h) {
      h.flow('connect', 'createVpci', 'bind');
      h.w.link.event(TDI, (requesterId) => ({ kind: 'DEVICE_ERROR', requesterId }));
      expect(code(h.host.tdisp(TDI, 'GET_DEVICE_INTERFACE_STATE'))).toBe('ok');
      expect(h.fw.devif(TDI)?.tdispSts).toBe('ERROR');
      const before = h.w.tracer.length;
      expect(code(h.host.tdisp(TDI, 'GET_DEVICE_INTERFACE_REPORT'))).toBe(TDX.DEVIF_TDISP_ERROR_STATE);
      expect(code(h.host.tdisp(TDI, 'LOCK_INTERFACE_REQUEST'))).toBe(TDX.DEVIF_TDISP_ERROR_STATE);
      expect(h.sent(before)).toEqual([]);
      expect(code(h.host.tdisp(TDI, 'STOP_INTERFACE_REQUEST'))).toBe('ok');
      expect(h.w.link.tdiState(TDI)).toBe('CONFIG_UNLOCKED');
    },
  },
  {
    rule: 'devif-one-outstanding-request',
    title: 'a second TDH.DEVIF.REQUEST before the first one\'s TDH.DEVIF.RESPONSE is refused',
    check(h) {
      h.flow('connect', 'createVpci', 'bind');
      expect(code(h.devif.devifRequest(TDI, 'GET_DEVICE_INTERFACE_STATE'))).toBe('ok');
      expect(code(h.devif.devifRequest(TDI, 'STOP_INTERFACE_REQUEST'))).toBe(TDX.DEVIF_TDISP_OUT_REQ);
      const page = h.devif.requestPage(TDI);
      if (!page) throw new Error('no request page');
      const carried = h.host.relay(page);
      if (!carried.ok) throw new Error(carried.code);
      expect(code(h.devif.devifResponse(TDI, { response: carried.value }))).toBe('ok');
      expect(code(h.devif.devifResponse(TDI, { response: carried.value }))).toBe(TDX.DEVIF_TDISP_OUT_REQ);
    },
  },
  {
    rule: 'devif-td-request-needs-tdg-request',
    title: 'a TD-generated STOP needs the TD\'s TDG.DEVIF.REQUEST first',
    check(h) {
      h.flow('connect', 'createVpci', 'bind');
      expect(code(h.devif.devifRequest(TDI, 'STOP_INTERFACE_REQUEST', true))).toBe(TDX.DEVIF_TDISP_INVALID_REQ_STS);
      expect(code(h.devif.tdgDevifRequest(VM, TDI, 'STOP_INTERFACE_REQUEST'))).toBe('ok');
      expect(code(h.host.tdisp(TDI, 'STOP_INTERFACE_REQUEST', true))).toBe('ok');
    },
  },
  {
    rule: 'mmio-map-requires-mmiomt',
    title: 'TDH.MMIO.MAP of MMIO not declared to a TD (before LOCK), or mapped already, is refused',
    check(h) {
      h.flow('connect', 'createVpci', 'bind');
      const [range] = h.ranges();
      if (!range) throw new Error('no TEE range');
      // Mapped already (by the bind plan): not at a second GPA.
      expect(code(h.sept.mmioMap(VM, { ...range, gpa: range.gpa + 0x100_0000n }))).toBe(TDX.MMIO_INVALID_PAGE_METADATA);
      // Before LOCK there is no MMIOMT entry at all.
      h.flow('unbind');
      expect(code(h.devif.devifCreate(TDI, VM, h.fw.streamOfDsm(DSM)?.handle ?? 0))).toBe('ok');
      expect(code(h.sept.mmioMap(VM, range))).toBe(TDX.MMIO_INVALID_PAGE_METADATA);
    },
  },
  {
    rule: 'mmio-map-requires-owner',
    title: 'TDH.MMIO.MAP into a TD that does not own the DEVIF is refused',
    check(h) {
      h.flow('connect', 'createVpci');
      h.step('vfio.revoke-mmio', 'tsm.bind');
      const [range] = h.ranges();
      if (!range) throw new Error('no TEE range');
      expect(code(h.sept.mmioMap('vm1', range))).toBe(TDX.MMIO_DEVIF_OWNER_MISMATCH);
      expect(code(h.sept.mmioMap(VM, range))).toBe('ok');
    },
  },
  {
    rule: 'mmio-map-requires-unblocked-stream',
    title: 'a blocked IDE stream lets TDH.MMIO.UNMAP through without STOP, and TDH.MMIO.MAP is refused while it is blocked',
    check(h) {
      h.flow('connect', 'createVpci', 'bind');
      const [range] = h.ranges();
      if (!range) throw new Error('no TEE range');
      expect(code(h.spdm.ideStreamBlock(h.fw.streamOfDsm(DSM)?.handle ?? 0))).toBe('ok');
      // The TDI is still CONFIG_LOCKED: the blocked stream is what lets the unmap through.
      expect([h.sept.mmioBlock(VM, range.gpa), h.sept.memTrack(VM), h.sept.mmioUnmap(VM, range.gpa)].map(code)).toEqual(['ok', 'ok', 'ok']);
      expect(code(h.sept.mmioMap(VM, range))).toBe(TDX.IDE_STREAM_BLOCKED);
    },
  },
  {
    rule: 'mmio-accept-checks-hpa',
    title: 'TDG.MMIO.ACCEPT of a leaf whose HPA is not the report range\'s gets TDX_MMIO_INVALID_HPA_OFFSET',
    check(h) {
      h.flow('connect', 'createVpci', 'bind');
      const [range] = h.ranges();
      if (!range) throw new Error('no TEE range');
      expect(code(h.sept.tdgMmioAccept(VM, TDI, { ...range, hpa: range.hpa + 0x1000n }))).toBe(TDX.MMIO_INVALID_HPA_OFFSET);
      expect(h.sept.leafAt(VM, range.gpa)?.state).toBe('MMIO_PENDING');
      expect(code(h.sept.tdgMmioAccept(VM, TDI, range))).toBe('ok');
      expect(code(h.sept.tdgMmioAccept(VM, TDI, range))).toBe(TDX.PAGE_ALREADY_ACCEPTED);
    },
  },
  {
    rule: 'mmio-unmap-requires-block-and-track',
    title: 'TDH.MMIO.UNMAP of a leaf not blocked, or blocked but not tracked, is refused',
    check(h) {
      h.flow('connect', 'createVpci', 'bind');
      h.step('tsm.stop');
      const [range] = h.ranges();
      if (!range) throw new Error('no TEE range');
      expect(code(h.sept.mmioUnmap(VM, range.gpa))).toBe(TDX.GPA_RANGE_NOT_BLOCKED);
      expect(code(h.sept.mmioBlock(VM, range.gpa))).toBe('ok');
      expect(code(h.sept.mmioUnmap(VM, range.gpa))).toBe(TDX.TLB_TRACKING_NOT_DONE);
      expect(code(h.sept.memTrack(VM))).toBe('ok');
      expect(code(h.sept.mmioUnmap(VM, range.gpa))).toBe('ok');
    },
  },
  {
    rule: 'mmio-unmap-requires-stop',
    title: 'TDH.MMIO.UNMAP after the device left LOCKED on its own, without a STOP from the module, is still refused',
    check(h) {
      h.flow('connect', 'createVpci', 'bind');
      // A STOP the module did not issue: "even if device has physically exited to UNLOCKED, TDX host should still call STOP TDI fwcall first".
      const stop: TdispMessage = { version: 0x10, messageType: 'STOP_INTERFACE_REQUEST', interfaceId: interfaceIdOf(0x0101) };
      expect(h.w.link.tdisp(TDI, stop).ok).toBe(true);
      expect(h.w.link.tdiState(TDI)).toBe('CONFIG_UNLOCKED');
      const [range] = h.ranges();
      if (!range) throw new Error('no TEE range');
      expect([h.sept.mmioBlock(VM, range.gpa), h.sept.memTrack(VM), h.sept.mmioUnmap(VM, range.gpa)].map(code)).toEqual(['ok', 'ok', TDX.DEVIF_TDISP_INVALID_STATE]);
      h.step('tsm.stop');
      expect(code(h.sept.mmioUnmap(VM, range.gpa))).toBe('ok');
    },
  },
  {
    rule: 'dmar-remove-requires-block-and-invalidation',
    title: 'TDH.DMAR.REMOVE of a present entry, or of a blocked one not yet invalidated, is refused',
    check(h) {
      h.flow('connect', 'createVpci', 'bind', 'accept');
      const e = h.fw.state.dmar[TDI];
      expect(e).toMatchObject({ state: 'PRESENT', slptr: `S-EPT root of ${VM}` });
      expect((e?.did ?? 0) & 0x8000).toBe(0x8000);
      h.step('tsm.stop');
      expect(code(h.dmar.dmarRemove(TDI))).toBe(TDX.DMAR_INVALID_MAPPING_STATE);
      expect(code(h.dmar.dmarBlock(TDI))).toBe('ok');
      expect(code(h.dmar.dmarRemove(TDI))).toBe(TDX.DMAR_INVALID_INV_STATE);
      expect(code(h.dmar.iqInvalidate(TDI))).toBe('ok');
      expect(code(h.dmar.dmarRemove(TDI))).toBe('ok');
    },
  },
  {
    rule: 'tdi-start-requires-authorisation',
    title: 'TDH.TDI.START without the guest\'s TDG.TDI.START for this bind session is refused',
    check(h) {
      h.flow('connect', 'createVpci', 'bind');
      h.step('guest.get-evidence', 'guest.verify-evidence', 'guest.accept-mmio');
      const start = () => h.host.extension(TDI, () => h.devif.tdiStart(TDI), (t) => h.devif.resumeTdiStart(TDI, t));
      expect(code(start())).toBe(TDX.DEVIF_TDISP_INVALID_REQ_STS);
      expect(h.w.link.tdiState(TDI)).toBe('CONFIG_LOCKED');
      expect(code(h.devif.tdgTdiStart(VM, TDI, 99))).toBe(TDX.OPERAND_INVALID);
      expect(code(h.devif.tdgTdiStart(VM, TDI, h.fw.devif(TDI)?.bindSession ?? 0))).toBe('ok');
      expect(code(start())).toBe('ok');
      expect(h.w.link.tdiState(TDI)).toBe('RUN');
    },
  },
];

/** The pending request page of the call in flight on `key`, carried to the device: the response to resume with. */
function relayPending(h: TdxModel, key: string): string {
  const page = h.fw.pendingRelay(key);
  if (!page) throw new Error(`nothing in flight on ${key}`);
  const r = h.host.relay(page);
  if (!r.ok) throw new Error(r.code);
  return r.value;
}

/** Whether `check` failed one of its expectations (not some other error). */
function failedAssertion(check: () => void): boolean {
  try {
    check();
    return false;
  } catch (e) {
    if ((e as Error).name === 'AssertionError') return true;
    throw e;
  }
}

/** Rules shown by a scenario of examples/ (which fails when the rule is ablated). */
const SCENARIOS: readonly { readonly rule: TdxRuleId; readonly file: string }[] = [
  { rule: 'mmio-unmap-requires-stop', file: 'tdx-unmap-before-stop.json' },
  { rule: 'mmio-unmap-requires-stop', file: 'tdx-flr-zap-before-unbind.json' },
  { rule: 'devif-remove-requires-no-mmio', file: 'tdx-remove-with-mapped-mmio.json' },
  { rule: 'devif-remove-requires-no-dma', file: 'tdx-remove-with-mapped-dma.json' },
  { rule: 'devif-remove-requires-stop', file: 'tdx-remove-before-stop.json' },
  { rule: 'tdi-start-requires-private-mmio', file: 'tdx-run-before-private-mmio.json' },
  { rule: 'dmar-accept-requires-locked', file: 'tdx-enable-dma-after-stop.json' },
  { rule: 'devif-error-state-filter', file: 'tdx-error-accepts-only-stop.json' },
  { rule: 'td-reclaim-requires-no-devif', file: 'tdx-vm-destroy-with-tdi.json' },
];

describe('each rule of the TDX module model, broken on purpose', () => {
  describe.each(UNIT)('$rule', ({ rule, title, check }) => {
    it(title, () => check(tdxModel()));
    it(`fails when the model does not enforce ${rule}`, () => expect(failedAssertion(() => check(tdxModel([rule])))).toBe(true));
  });

  describe.each(SCENARIOS)('$file', ({ rule, file }) => {
    it('gets the module\'s error and the outcome it expects', () => expect(runTdx(example(file)).report.outcome).toBe('pass'));
    it(`fails when the model does not enforce ${rule}`, () => {
      const { report } = runTdx(example(file), [rule]);
      expect(report.outcome).toBe('fail');
    });
  });

  it('every rule of the model has a test that depends on it', () => {
    const tested = new Set([...UNIT.map((u) => u.rule), ...SCENARIOS.map((s) => s.rule)]);
    expect(TDX_RULE_IDS.filter((r) => !tested.has(r))).toEqual([]);
  });
});
