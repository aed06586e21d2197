import { CCA, CCA_RULE_IDS, type CcaRuleId, ROOT_PORT, x0Of } from '@teeio/arch-cca';
import { describe, expect, it } from 'vitest';
import { type CcaModel, DSM, GUEST_RID, TDI, VM, ccaModel, code, example, runCca } from './harness.js';

/** A VDEV created and brought to UNLOCKED by its pending operation (the realm's device, not locked yet). */
function unlockedVdev(h: CcaModel): void {
  h.flow('connect', 'createVpci');
  expect(code(h.vdev.create(VM, DSM, TDI, { vdevId: GUEST_RID, addrRanges: h.bars() }))).toBe('ok');
  expect(h.fw.vdev(TDI)?.state).toBe('NEW');
  expect(code(h.host.vdevOp(TDI, 'UNLOCKED'))).toBe('ok');
}

/** Bound, accepted and running: the lifecycle up to the realm's use of the device. */
const running = (h: CcaModel) => h.flow('connect', 'createVpci', 'bind', 'accept');

/** The nonces the realm read with GET_INFO. */
const realmNonces = (h: CcaModel) => h.fw.state.guest[`${VM}/${GUEST_RID}`] ?? {};

/**
 * One rule of the RMM model, shown on the model directly: `check` drives the order of
 * reference §5 and expects the RMM's own status. Each check runs twice: as is, and with its
 * rule ablated, where it must fail — the proof that the rule, and nothing else, stops it.
 * No row of §5 kills the VM: KVM passes RMI and RSI errors back, it does not KVM_BUG_ON.
 */
interface UnitCase {
  readonly rule: CcaRuleId;
  readonly title: string;
  check(h: CcaModel): void;
}

const UNIT: readonly UnitCase[] = [
  {
    rule: 'vdev-op-requires-state',
    title: 'START, UNLOCK and GET_INTERFACE_REPORT in UNLOCKED get RMI_ERROR_DEVICE (x0 = 6)',
    check(h) {
      unlockedVdev(h);
      for (const op of [() => h.vdev.start(TDI), () => h.vdev.unlock(TDI), () => h.vdev.getInterfaceReport(TDI)]) {
        expect(code(op())).toBe(CCA.ERROR_DEVICE);
        expect(h.fw.state.regs.x0).toBe(6);
      }
      expect(h.fw.vdev(TDI)?.state).toBe('UNLOCKED');
    },
  },
  {
    rule: 'vdev-one-pending-op',
    title: 'LOCK while a LOCK is pending, and LOCK in NEW (its UNLOCK pending), get RMI_ERROR_DEVICE',
    check(h) {
      h.flow('connect', 'createVpci');
      h.vdev.create(VM, DSM, TDI, { vdevId: GUEST_RID, addrRanges: h.bars() });
      expect(code(h.vdev.lock(TDI))).toBe(CCA.ERROR_DEVICE);
      h.host.vdevOp(TDI, 'UNLOCKED');
      expect(code(h.vdev.lock(TDI))).toBe('ok');
      expect(code(h.vdev.lock(TDI))).toBe(CCA.ERROR_DEVICE);
      expect(code(h.host.vdevOp(TDI, 'LOCKED'))).toBe('ok');
    },
  },
  {
    rule: 'vdev-unlock-requires-no-dev-mapping',
    title: 'UNLOCK while a device granule is mapped gets RMI_ERROR_GRANULE, x1 = that granule\'s PA; the state is unchanged',
    check(h) {
      running(h);
      const [range] = h.ranges();
      expect(code(h.vdev.unlock(TDI))).toBe(CCA.ERROR_GRANULE);
      expect(h.fw.state.regs).toEqual({ x0: 16, x1: `0x${range?.hpa.toString(16)}` });
      expect(h.fw.vdev(TDI)?.state).toBe('STARTED');
      h.step('kvm.unmap-private-mmio');
      expect(code(h.vdev.unlock(TDI))).toBe('ok');
    },
  },
  {
    rule: 'vdev-destroy-requires-new-or-unlocked',
    title: 'DESTROY in LOCKED or ERROR gets RMI_ERROR_DEVICE; ERROR leaves by UNLOCK (reading ERROR meanwhile), communicate to UNLOCKED, then DESTROY',
    check(h) {
      unlockedVdev(h);
      h.vdev.lock(TDI);
      h.host.vdevOp(TDI, 'LOCKED');
      expect(code(h.vdev.destroy(TDI))).toBe(CCA.ERROR_DEVICE);
      h.vdev.getInterfaceReport(TDI);
      expect(code(h.vdev.abort(TDI))).toBe('ok');
      expect(h.fw.vdev(TDI)?.state).toBe('ERROR');
      expect(code(h.vdev.destroy(TDI))).toBe(CCA.ERROR_DEVICE);
      expect(code(h.vdev.unlock(TDI))).toBe('ok');
      expect(h.fw.vdev(TDI)?.state).toBe('ERROR');
      expect(code(h.host.vdevOp(TDI, 'UNLOCKED'))).toBe('ok');
      expect(code(h.vdev.destroy(TDI))).toBe('ok');
    },
  },
  {
    rule: 'vdev-abort-requires-pending',
    title: 'ABORT with nothing pending gets RMI_ERROR_DEVICE and leaves the VDEV as it was',
    check(h) {
      unlockedVdev(h);
      expect(code(h.vdev.abort(TDI))).toBe(CCA.ERROR_DEVICE);
      expect(h.fw.vdev(TDI)?.state).toBe('UNLOCKED');
    },
  },
  {
    rule: 'vdev-create-requires-ready-stream',
    title: 'VDEV_CREATE once the NCOH stream is disconnected gets RMI_ERROR_DEVICE',
    check(h) {
      h.flow('connect', 'createVpci');
      expect(code(h.pdev.streamDisconnect(DSM))).toBe('ok');
      expect(code(h.host.pdevOp(DSM, 'READY'))).toBe('ok');
      expect(code(h.vdev.create(VM, DSM, TDI, { vdevId: GUEST_RID, addrRanges: h.bars() }))).toBe(CCA.ERROR_DEVICE);
      expect(h.fw.vdev(TDI)).toBeUndefined();
    },
  },
  {
    rule: 'pdev-set-pubkey-checks-key',
    title: 'SET_PUBKEY checks the key length of its algorithm (65/97/384) and needs NEEDS_KEY',
    check(h) {
      h.pdev.create(ROOT_PORT, { category: 'ROOTPORT', addrRanges: [] });
      expect(code(h.host.pdevOp(ROOT_PORT, 'READY'))).toBe('ok');
      h.pdev.create(DSM, { category: 'ENDPOINT', rootPort: ROOT_PORT, addrRanges: h.bars() });
      expect(code(h.pdev.setPubkey(DSM, new Uint8Array(97), 'ECDSA_P384'))).toBe(CCA.ERROR_DEVICE);
      expect(code(h.host.pdevOp(DSM, 'NEEDS_KEY'))).toBe('ok');
      expect(code(h.pdev.setPubkey(DSM, new Uint8Array(65), 'ECDSA_P384'))).toBe(CCA.ERROR_INPUT);
      expect(code(h.pdev.setPubkey(DSM, new Uint8Array(97), 'RSASSA_3072'))).toBe(CCA.ERROR_INPUT);
      expect(code(h.pdev.setPubkey(DSM, new Uint8Array(384), 'RSASSA_3072'))).toBe('ok');
      expect(h.fw.pdev(DSM)?.state).toBe('HAS_KEY');
    },
  },
  {
    rule: 'pdev-stop-requires-no-vdev',
    title: 'PDEV_STOP with a VDEV (in any state) gets RMI_ERROR_DEVICE',
    check(h) {
      unlockedVdev(h);
      expect(code(h.pdev.stop(DSM))).toBe(CCA.ERROR_DEVICE);
      h.vdev.lock(TDI);
      h.host.vdevOp(TDI, 'LOCKED');
      expect(code(h.pdev.stop(DSM))).toBe(CCA.ERROR_DEVICE);
      expect(h.fw.pdev(DSM)?.state).toBe('READY');
    },
  },
  {
    rule: 'stream-disconnect-requires-no-vdev',
    title: 'PDEV_STREAM_DISCONNECT with a VDEV gets RMI_ERROR_DEVICE',
    check(h) {
      h.flow('connect', 'createVpci', 'bind');
      expect(code(h.pdev.streamDisconnect(DSM))).toBe(CCA.ERROR_DEVICE);
      expect(h.fw.pdev(DSM)?.streams['0']?.state).toBe('CONNECTED');
    },
  },
  {
    rule: 'pdev-destroy-requires-stopped',
    title: 'PDEV_DESTROY before STOPPED gets RMI_ERROR_DEVICE; after STOP and its communicate it succeeds',
    check(h) {
      h.flow('connect');
      h.pdev.streamDisconnect(DSM);
      h.host.pdevOp(DSM, 'READY');
      expect(code(h.pdev.destroy(DSM))).toBe(CCA.ERROR_DEVICE);
      expect(code(h.pdev.stop(DSM))).toBe('ok');
      expect(code(h.pdev.destroy(DSM))).toBe(CCA.ERROR_DEVICE);
      expect(code(h.host.pdevOp(DSM, 'STOPPED'))).toBe('ok');
      expect(code(h.pdev.destroy(DSM))).toBe('ok');
    },
  },
  {
    rule: 'realm-destroy-requires-no-vdev',
    title: 'REALM_DESTROY of a terminated realm gets RMI_ERROR_REALM while a VDEV exists; succeeds once it is destroyed',
    check(h) {
      unlockedVdev(h);
      expect(code(h.realm.terminate(VM))).toBe('ok');
      expect(code(h.realm.destroy(VM))).toBe(CCA.ERROR_REALM);
      expect(h.fw.state.regs.x0).toBe(2);
      expect(code(h.vdev.destroy(TDI))).toBe('ok');
      expect(code(h.realm.destroy(VM))).toBe('ok');
    },
  },
  {
    rule: 'rtt-dev-map-within-vdev-ranges',
    title: 'RTT_DEV_MAP of a delegated granule outside the VDEV\'s ranges gets RMI_ERROR_INPUT; inside them, in UNLOCKED, it succeeds (no state check)',
    check(h) {
      unlockedVdev(h);
      const outside = 0x7000_0000n;
      h.rtt.delegate(outside, 1);
      expect(code(h.rtt.map(VM, TDI, 0x2_0000_0000n, outside, 1))).toBe(CCA.ERROR_INPUT);
      const [bar] = h.bars();
      if (!bar) throw new Error('no BAR');
      h.rtt.delegate(bar.base, 1);
      expect(code(h.rtt.map(VM, TDI, 0x2_0000_0000n, bar.base, 1))).toBe('ok');
    },
  },
  {
    rule: 'rsi-call-requires-vdev-complete',
    title: 'an RSI_VDEV_* call the host does not answer with RMI_VDEV_COMPLETE returns RSI_ERROR_INPUT',
    check(h) {
      h.flow('connect', 'createVpci', 'bind');
      h.exits.misbehave.ignoreVdevRequests = true;
      expect(code(h.rsi.getInfo(VM, GUEST_RID, h.exits))).toBe(CCA.RSI_ERROR_INPUT);
      expect(h.fw.state.regs.x0).toBe(x0Of('RSI_ERROR_INPUT'));
      h.exits.misbehave.ignoreVdevRequests = false;
      expect(code(h.rsi.getInfo(VM, GUEST_RID, h.exits))).toBe('ok');
    },
  },
  {
    rule: 'rsi-validate-requires-locked',
    title: 'VALIDATE_MAPPING while UNLOCKED (before LOCK, or after UNLOCK) gets RSI_ERROR_INPUT, the state checked before the nonces',
    check(h) {
      unlockedVdev(h);
      const range = { ipa: 0x2_0000_0000n, pa: h.bars()[0]?.base ?? 0n, pages: 1 };
      expect(code(h.rsi.validateMapping(VM, GUEST_RID, range, {}, h.exits))).toBe(CCA.RSI_ERROR_INPUT);
      expect(code(h.rsi.validateMapping(VM, GUEST_RID, range, { lock: 'stale' }, h.exits))).toBe(CCA.RSI_ERROR_INPUT);
    },
  },
  {
    rule: 'rsi-nonces-current',
    title: 'VALIDATE_MAPPING and DMA_ENABLE with a stale nonce get RSI_ERROR_DEVICE',
    check(h) {
      h.flow('connect', 'createVpci', 'bind');
      h.step('guest.get-evidence', 'guest.verify-evidence');
      // The host refreshes the measurements behind the realm's back: a new meas_nonce.
      h.vdev.getMeasurements(TDI);
      h.host.vdevOp(TDI, 'LOCKED', ['MEASUREMENTS']);
      const [r] = h.ranges();
      if (!r) throw new Error('no range');
      expect(code(h.rsi.validateMapping(VM, GUEST_RID, { ipa: r.gpa, pa: r.hpa, pages: r.pages }, realmNonces(h), h.exits))).toBe(CCA.RSI_ERROR_DEVICE);
      expect(h.fw.state.regs.x0).toBe(5);
      h.vdev.start(TDI);
      h.host.vdevOp(TDI, 'STARTED');
      expect(code(h.rsi.dmaEnable(VM, GUEST_RID, realmNonces(h), h.exits))).toBe(CCA.RSI_ERROR_DEVICE);
      expect(h.fw.vdev(TDI)?.ste).toBe('DISABLED');
    },
  },
  {
    rule: 'rsi-dma-enable-requires-started',
    title: 'DMA_ENABLE before START (LOCKED, current nonces) gets RSI_ERROR_DEVICE; after START it enables the STE',
    check(h) {
      h.flow('connect', 'createVpci', 'bind');
      h.step('guest.get-evidence', 'guest.verify-evidence', 'guest.accept-mmio');
      expect(code(h.rsi.dmaEnable(VM, GUEST_RID, realmNonces(h), h.exits))).toBe(CCA.RSI_ERROR_DEVICE);
      h.step('guest.request-run');
      expect(code(h.rsi.dmaEnable(VM, GUEST_RID, realmNonces(h), h.exits))).toBe('ok');
      expect(h.fw.vdev(TDI)?.ste).toBe('ENABLED');
    },
  },
  {
    rule: 'guest-checks-validate-result',
    title: 'a host rejection is RSI_SUCCESS with x1 = base and x2 = REJECT: the realm checks both and refuses the range',
    check(h) {
      h.flow('connect', 'createVpci', 'bind');
      h.step('guest.get-evidence', 'guest.verify-evidence');
      h.exits.misbehave.rejectDevMemMap = true;
      const [r] = h.ranges();
      if (!r) throw new Error('no range');
      const raw = h.rsi.validateMapping(VM, GUEST_RID, { ipa: r.gpa, pa: r.hpa, pages: r.pages }, realmNonces(h), h.exits);
      expect(raw).toEqual({ ok: true, value: { nextIpa: r.gpa, response: 'REJECT' } });
      expect(h.fw.state.regs).toEqual({ x0: 0, x1: `0x${r.gpa.toString(16)}`, x2: 1 });
      expect(code(h.step('guest.accept-mmio')[0] ?? { ok: true, value: undefined })).toBe(CCA.GUEST_MAPPING_REJECTED);
      expect(h.fw.realm(VM)?.rtt[`0x${r.gpa.toString(16)}`]?.ripas).toBe('EMPTY');
    },
  },
];

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
const SCENARIOS: readonly { readonly rule: CcaRuleId; readonly file: string }[] = [
  { rule: 'vdev-unlock-requires-no-dev-mapping', file: 'cca-unlock-with-device-memory-mapped.json' },
  { rule: 'vdev-unlock-requires-no-dev-mapping', file: 'tdx-remove-with-mapped-mmio.json' },
  { rule: 'realm-destroy-requires-no-vdev', file: 'cca-realm-destroy-with-vdev.json' },
  { rule: 'guest-checks-validate-result', file: 'cca-validate-mapping-rejected.json' },
  { rule: 'vdev-destroy-requires-new-or-unlocked', file: 'tdx-remove-before-stop.json' },
  { rule: 'rsi-dma-enable-requires-started', file: 'tdx-enable-dma-after-stop.json' },
  { rule: 'rsi-dma-enable-requires-started', file: 'tdx-error-accepts-only-stop.json' },
];

describe('each rule of the RMM model, from reference §5', () => {
  it('every rule has a case', () => expect([...new Set(UNIT.map((u) => u.rule))].sort()).toEqual([...CCA_RULE_IDS].sort()));

  describe.each(UNIT)('$rule', ({ rule, title, check }) => {
    it(title, () => {
      const h = ccaModel();
      check(h);
      expect(h.w.host.kvm[VM]?.killed).toBeUndefined();
    });

    it(`fails with ${rule} ablated`, () => expect(failedAssertion(() => check(ccaModel([rule])))).toBe(true));
  });

  describe.each(SCENARIOS)('$file', ({ rule, file }) => {
    it('gets the RMM\'s status and the outcome it expects', () => expect(runCca(example(file)).report.outcome).toBe('pass'));
    it(`fails when the model does not enforce ${rule}`, () => expect(runCca(example(file), [rule]).report.outcome).toBe('fail'));
  });
});
