import { CCA } from '@teeio/arch-cca';
import { describe, expect, it } from 'vitest';
import { GUEST_RID, TDI, VM, ccaExamples, ccaModel, code, example, runCca } from './harness.js';

type Trace = readonly { actor: string; op: string; result: string; args?: Record<string, string>; step?: string }[];

/** Firmware calls of a trace, as `op result`, in order. */
const calls = (trace: Trace) => trace.filter((e) => e.actor === 'firmware').map((e) => `${e.op} ${e.result}`);

/** The position of the first trace entry matching `op` (and `result`) after `from`. */
function at(trace: Trace, op: string, from = 0, result?: string): number {
  const i = trace.findIndex((e, n) => n >= from && e.op === op && (result === undefined || e.result === result));
  if (i < 0) throw new Error(`${op}${result ? ` ${result}` : ''} not found after #${from}`);
  return i;
}

describe('every example on CCA', () => {
  it.each(ccaExamples())('%s gives the outcome it expects', (file) => {
    const { report } = runCca(example(file));
    expect(report.expectations.filter((x) => !x.ok)).toEqual([]);
    expect(report.outcome).toBe('pass');
  });

  it('covers the tdx-* and sev-tio-* examples too: each states its CCA outcome', () => {
    expect(ccaExamples().filter((f) => /^(tdx|sev-tio)-/.test(f)).length).toBeGreaterThanOrEqual(10);
  });
});

describe('full lifecycle', () => {
  const { report, rmm } = runCca(example('lifecycle.json'));
  const t = report.trace;

  it('passes with every invariant checked after every step and nothing left in the RMM', () => {
    expect(report.violations).toEqual([]);
    expect(report.flows.every((f) => f.ok)).toBe(true);
    expect([rmm.pdevs, rmm.vdevs, rmm.realms, rmm.granules, rmm.host.pdevs, rmm.host.vdevs, rmm.host.devMem, rmm.guest]).toEqual([{}, {}, {}, {}, {}, {}, {}, {}]);
  });

  it('connects the root port (NEW → READY) and the endpoint (NEEDS_KEY, SET_PUBKEY, READY), then the NCOH stream', () => {
    const connect = calls(t.filter((e) => e.step === 'connect/tsm.connect')).filter((c) => !c.startsWith('RMI_PDEV_COMMUNICATE') && !c.startsWith('RMI_PDEV_GET_STATE'));
    expect(connect).toEqual(['RMI_PDEV_CREATE ok', 'RMI_PDEV_CREATE ok', 'RMI_PDEV_SET_PUBKEY ok', 'RMI_PDEV_STREAM_CONNECT ok', 'RMI_PDEV_STREAM_COMPLETE ok']);
    expect(t.find((e) => e.op === 'RMI_PDEV_CREATE')?.args).toMatchObject({ category: 'ROOTPORT' });
    expect(t.find((e) => e.op === 'RMI_PDEV_SET_PUBKEY')?.args).toMatchObject({ algo: 'ECDSA_P384', keyLen: '0x61' });
    const device = t.filter((e) => e.step === 'connect/tsm.connect' && e.actor === 'device').map((e) => e.op);
    expect(device.filter((op) => op === 'KEY_PROG')).toHaveLength(6);
    expect(device.filter((op) => op === 'K_SET_GO')).toHaveLength(6);
  });

  it('traces the pump as a relay: each communicate names the message the host carried before it', () => {
    for (const [i, e] of t.entries()) {
      if (e.actor !== 'device' || e.op === 'T=1 DMA to guest memory' || e.op === 'MMIO read') continue;
      const next = t.slice(i + 1).find((x) => x.actor === 'firmware');
      expect(next?.op, `${e.op} #${i}`).toMatch(/^RMI_(PDEV|VDEV)_COMMUNICATE$/);
      expect(next?.args?.['carried']).toMatch(e.op === 'DOE_DISCOVERY' ? /^DOE_DISCOVERY/ : new RegExp(`^${e.op}$`));
    }
  });

  it('binds with vdev_id = guest RID and tdi_id = host RID, locks through RMI_VDEV_COMMUNICATE, maps device memory after LOCK', () => {
    const create = at(t, 'RMI_VDEV_CREATE');
    expect(t[create]?.args).toMatchObject({ tdiId: TDI, vdevId: '0x8' });
    const lock = at(t, 'LOCK_INTERFACE_REQUEST', at(t, 'RMI_VDEV_LOCK', create));
    const map = at(t, 'RMI_RTT_DEV_MAP', at(t, 'RMI_GRANULE_DELEGATE', lock));
    const validate = at(t, 'RSI_VDEV_VALIDATE_MAPPING', at(t, 'RSI_VDEV_GET_INFO', map));
    const start = at(t, 'START_INTERFACE_REQUEST', at(t, 'RMI_RTT_DEV_VALIDATE', validate));
    expect(at(t, 'RSI_VDEV_DMA_ENABLE', start)).toBeGreaterThan(start);
  });

  it('every RSI_VDEV_* call exits with RMI_EXIT_VDEV_REQUEST, answered with RMI_VDEV_COMPLETE; VALIDATE_MAPPING also with RMI_EXIT_DEV_MEM_MAP', () => {
    for (const [i, e] of t.entries()) {
      if (!e.op.startsWith('RSI_VDEV_')) continue;
      expect([t[i + 1]?.op, t[i + 1]?.result, t[i + 2]?.op], `${e.op} #${i}`).toEqual(['RMI_EXIT_VDEV_REQUEST', 'RMI_VDEV_COMPLETE', 'RMI_VDEV_COMPLETE']);
      if (e.op === 'RSI_VDEV_VALIDATE_MAPPING') expect([t[i + 3]?.op, t[i + 3]?.result, t[i + 4]?.op]).toEqual(['RMI_EXIT_DEV_MEM_MAP', 'RMI_RTT_DEV_VALIDATE', 'RMI_RTT_DEV_VALIDATE']);
    }
  });

  it('unbinds in the order the RMM enforces: device memory unmapped before UNLOCK (the opposite of TDX), then DESTROY', () => {
    const c = calls(t.filter((e) => e.step?.startsWith('unbind/') === true));
    const order = ['RMI_RTT_DEV_UNMAP ok', 'RMI_GRANULE_UNDELEGATE ok', 'RMI_VDEV_UNLOCK ok', 'RMI_VDEV_COMMUNICATE ok', 'RMI_VDEV_DESTROY ok'];
    expect(c.filter((x) => order.includes(x)).filter((x, i, a) => a.indexOf(x) === i)).toEqual(order);
    expect(calls(t).slice(-8)).toEqual(['RMI_PDEV_STOP ok', 'RMI_PDEV_COMMUNICATE ok', 'RMI_PDEV_GET_STATE ok', 'RMI_PDEV_DESTROY ok', 'RMI_PDEV_STOP ok', 'RMI_PDEV_COMMUNICATE ok', 'RMI_PDEV_GET_STATE ok', 'RMI_PDEV_DESTROY ok']);
  });
});

describe('FLR or a TDISP error on a bound TDI', () => {
  it('a TDISP error during START puts the VDEV in ERROR; it leaves only through ABORT, UNLOCK (communicate to UNLOCKED), then DESTROY', () => {
    const { report, rmm } = runCca(example('tdx-error-accepts-only-stop.json'));
    expect(report.violations).toEqual([]);
    const t = report.trace;
    const error = at(t, 'START_INTERFACE_REQUEST', 0, 'TDISP_ERROR(INVALID_INTERFACE_STATE)');
    const c = calls(t.slice(error)).filter((x) => /RMI_VDEV_(ABORT|UNLOCK|DESTROY|START)/.test(x));
    expect(c).toEqual(['RMI_VDEV_ABORT ok', 'RMI_VDEV_UNLOCK ok', 'RMI_VDEV_DESTROY ok']);
    expect(rmm.vdevs).toEqual({});
  });

  it('an unlock whose TDISP STOP is lost on DOE leaves the VDEV in ERROR; unbind unlocks it again, then destroys: nothing is left (§4)', () => {
    const h = ccaModel();
    h.flow('connect', 'createVpci', 'bind');
    h.step('kvm.unmap-private-mmio');
    const faults = h.w.faults.snapshot();
    h.w.faults.restore({ ...faults, failures: [{ kind: 'doe', nth: faults.counts.doe + 1 }] });
    const since = h.w.tracer.entries.length;
    expect(h.step('tsm.stop').map(code)).toEqual(['-EIO']);
    expect(h.fw.vdev(TDI)?.state).toBe('ERROR');
    expect(h.step('tsm.unbind').map(code)).toEqual(['ok']);
    expect(h.fw.vdev(TDI)).toBeUndefined();
    const c = h.calls(since).filter((x) => /RMI_VDEV_(ABORT|UNLOCK|DESTROY)/.test(x));
    expect(c).toEqual(['RMI_VDEV_UNLOCK ok', 'RMI_VDEV_ABORT ok', 'RMI_VDEV_UNLOCK ok', 'RMI_VDEV_DESTROY ok']);
  });

  it('a surprise FLR of a running TDI: the flr plan unmaps, unlocks (TDISP STOP is legal in ERROR), destroys, then resets', () => {
    const { report } = runCca(example('tdx-flr-surprise.json'));
    expect(report.violations).toEqual([]);
    const flr = report.steps.filter((s) => s.flow === 'flr' && s.result === 'ok').map((s) => s.step);
    expect(flr).toEqual(['kvm.unmap-private-mmio', 'tsm.stop', 'iommu.teardown-trusted', 'tsm.unbind', 'vfio.revoke-mmio', 'pci.flr', 'vfio.recover-mmio']);
  });
});

describe('a host that unlocks and relocks the same VDEV between evidence and accept', () => {
  it('changes the lock nonce: the realm rejects the device, and the RMM refuses its stale nonces (RSI_ERROR_DEVICE)', () => {
    const h = ccaModel();
    h.flow('connect', 'createVpci', 'bind');
    h.step('guest.get-evidence', 'guest.verify-evidence');
    const seen = h.fw.state.guest[`${VM}/${GUEST_RID}`];
    // Device memory first, then UNLOCK, then LOCK again and map again: the RMM's order.
    h.step('kvm.unmap-private-mmio', 'tsm.stop');
    expect(code(h.vdev.lock(TDI))).toBe('ok');
    expect(code(h.host.vdevOp(TDI, 'LOCKED'))).toBe('ok');
    h.step('kvm.map-private-mmio');
    expect(h.fw.vdev(TDI)?.nonces.lock).not.toBe(seen?.lock);
    const [r] = h.ranges();
    if (!r || !seen) throw new Error('no range or no evidence');
    expect(code(h.rsi.validateMapping(VM, GUEST_RID, { ipa: r.gpa, pa: r.hpa, pages: r.pages }, seen, h.exits))).toBe(CCA.RSI_ERROR_DEVICE);
    const [accepted] = h.step('guest.accept-mmio');
    expect(accepted && code(accepted)).toBe('GUEST_REJECTED');
    expect(h.w.guests[VM]?.devices[TDI]?.accepted).toEqual([]);
  });

  it('RMI_ERROR_RTT carries the level in x0[15:8]: validating a range the host never mapped', () => {
    const h = ccaModel();
    h.flow('connect', 'createVpci', 'bind');
    expect(code(h.rtt.validate(VM, 0x2_0000_0000n, 0x3000_0000n, 1))).toBe(CCA.ERROR_RTT);
    expect(h.fw.state.regs.x0).toBe(4 | (3 << 8));
  });
});

describe('determinism', () => {
  it('the same scenario and seed give the same report and RMM state, byte for byte', () => {
    expect(JSON.stringify(runCca(example('lifecycle.json')))).toBe(JSON.stringify(runCca(example('lifecycle.json'))));
  });

  it('another seed changes the nonces the RMM stamps, not the calls', () => {
    const bound = (seed: number) => {
      const s = example('lifecycle.json');
      return runCca({ ...s, seed, steps: s.steps.slice(0, 4), expect: {}, expectByArch: {} });
    };
    const [a, b] = [bound(1), bound(2)];
    expect(calls(b.report.trace)).toEqual(calls(a.report.trace));
    const nonces = (r: ReturnType<typeof bound>) => r.rmm.vdevs[TDI]?.nonces;
    expect(nonces(a)?.lock).toMatch(/^[0-9a-f]{16}$/);
    expect(nonces(b)?.lock).not.toBe(nonces(a)?.lock);
    expect(nonces(b)?.report).not.toBe(nonces(a)?.report);
  });
});
