import { TioCommand, TioMsg } from '@teeio/arch-sev-tio';
import { describe, expect, it } from 'vitest';
import { Rig, VF, VM, example, exampleFiles, firmwareEntries, run } from './harness.js';

describe('SEV-TIO: every example gives the outcome it expects', () => {
  for (const file of exampleFiles()) {
    it(file, () => {
      const r = run(example(file.replace(/\.json$/, '')));
      expect(r.expectations.filter((x) => !x.ok)).toEqual([]);
      expect(r.outcome).toBe('pass');
    });
  }
});

describe('SEV-TIO: the full lifecycle', () => {
  const r = run(example('lifecycle'));
  const calls = firmwareEntries(r.trace);
  const ops = calls.map((e) => e.op);

  it('passes with every invariant checked after every step and at the end', () => {
    expect(r.violations).toEqual([]);
    expect(r.outcome).toBe('pass');
    expect(r.flows.every((f) => f.ok)).toBe(true);
  });

  it('initialises TIO once: TIO_STATUS, TIO_INIT, TIO_STATUS', () => {
    expect(ops.filter((o) => o.startsWith('TIO_STATUS') || o === 'TIO_INIT')).toEqual(['TIO_STATUS', 'TIO_INIT', 'TIO_STATUS']);
  });

  it('relays every device exchange of TIO_DEV_CONNECT: SEV_RET_SPDM_REQUEST, pci_doe(), re-issue', () => {
    const connect = r.trace.filter((e) => e.op === 'TIO_DEV_CONNECT');
    const relayed = connect.filter((e) => e.result === 'SEV_RET_SPDM_REQUEST');
    // DOE discovery (3 protocols), IDE_KM QUERY, 6 KEY_PROG, 6 K_SET_GO.
    expect(relayed).toHaveLength(16);
    for (const e of relayed) expect(r.trace[e.seq]?.actor).toBe('device');
    const device = relayed.map((e) => r.trace[e.seq]?.op);
    expect(device.slice(0, 4)).toEqual(['DOE_DISCOVERY', 'DOE_DISCOVERY', 'DOE_DISCOVERY', 'QUERY']);
    expect(connect.map((e) => e.result).slice(-2)).toEqual(['SEV_RET_EXPAND_BUFFER_LENGTH_REQUEST', 'ok']);
    expect(r.trace.some((e) => e.op === 'sla_expand')).toBe(true);
  });

  it('calls the firmware in the reference orders', () => {
    const firsts = (names: string[]) => names.map((n) => ops.indexOf(n));
    const increasing = (xs: number[]) => xs.every((x, i) => x >= 0 && (i === 0 || x > (xs[i - 1] ?? -1)));
    expect(increasing(firsts(['TIO_DEV_CREATE', 'TIO_DEV_CONNECT', 'TIO_DEV_MEASUREMENTS', 'TIO_DEV_CERTIFICATES', 'TIO_DEV_STATUS']))).toBe(true);
    expect(increasing(firsts(['TIO_TDI_CREATE', 'TIO_TDI_BIND', 'TIO_TDI_STATUS', 'RMPUPDATE']))).toBe(true);
    // unbind: UNBIND, STATUS, RECLAIM, fence, rmp_make_shared; then the device.
    const unbindFrom = ops.indexOf('TIO_TDI_UNBIND');
    const tail = ops.slice(unbindFrom).filter((o) => !o.startsWith('TIO_TDI_UNBIND') && o !== 'TIO_TDI_STATUS');
    expect(tail.slice(0, 3)).toEqual(['TIO_TDI_RECLAIM', 'TIO_ASID_FENCE_STATUS', 'RMPUPDATE']);
    expect(ops.slice(-2)).toEqual(['TIO_DEV_DISCONNECT', 'TIO_DEV_RECLAIM']);
    expect(ops.indexOf('SNP_DECOMMISSION')).toBeGreaterThan(ops.lastIndexOf('RMPUPDATE'));
  });

  it('binds with the guest BDF and guest context as identity and RUNs on the guest request with RUN_FORCE', () => {
    const binds = calls.filter((e) => e.op === 'TIO_TDI_BIND' && e.result === 'ok');
    expect(binds.map((e) => e.args?.run)).toEqual(['0x0', 'RUN_FORCE']);
    expect(binds[0]?.args).toMatchObject({ guest_device_id: '0x8', tdisp_lock_if: '0x15' });
    expect(binds[0]?.args?.gctx).toMatch(/^0x[0-9a-f]+$/);
    expect(r.trace.find((e) => e.op === 'SVM_VMGEXIT_SEV_TIO_OP RUN')?.caller).toBe('guest');
  });

  it('accepts in the phase-2 order: RUN, then SDTE_WRITE, then MMIO_VALIDATE', () => {
    expect(r.steps.filter((s) => s.flow === 'accept').map((s) => s.step)).toEqual(['guest.get-evidence', 'guest.verify-evidence', 'guest.request-run', 'guest.enable-dma', 'guest.accept-mmio']);
    const run = ops.lastIndexOf('TIO_TDI_BIND');
    expect(ops.indexOf('TIO_GUEST_REQUEST SDTE_WRITE_REQ')).toBeGreaterThan(run);
    expect(ops.indexOf('TIO_GUEST_REQUEST MMIO_VALIDATE_REQ')).toBeGreaterThan(ops.indexOf('TIO_GUEST_REQUEST SDTE_WRITE_REQ'));
  });

  it('names every PSP command and guest message as the reference does', () => {
    for (const op of ops.filter((o) => o.startsWith('TIO_'))) {
      const [command, message] = op.split(' ');
      expect(Object.keys(TioCommand)).toContain(command);
      if (message !== undefined) expect(Object.keys(TioMsg)).toContain(message);
    }
  });

  it('traces every firmware call with its name and result', () => {
    for (const e of calls) expect(e.result).not.toBe('pending');
    expect(new Set(ops)).toEqual(
      new Set([
        'SNP_GCTX_CREATE',
        'SNP_LAUNCH_START',
        'TIO_STATUS',
        'TIO_INIT',
        'TIO_DEV_CREATE',
        'TIO_DEV_CONNECT',
        'TIO_DEV_MEASUREMENTS',
        'TIO_DEV_CERTIFICATES',
        'TIO_DEV_STATUS',
        'TIO_TDI_CREATE',
        'TIO_TDI_BIND',
        'TIO_TDI_STATUS',
        'RMPUPDATE',
        'TIO_TDI_REPORT',
        'TIO_GUEST_REQUEST TDI_INFO_REQ',
        'TIO_GUEST_REQUEST SDTE_WRITE_REQ',
        'TIO_GUEST_REQUEST MMIO_VALIDATE_REQ',
        'TIO_TDI_UNBIND',
        'TIO_TDI_RECLAIM',
        'TIO_ASID_FENCE_STATUS',
        'SNP_DECOMMISSION',
        'TIO_DEV_DISCONNECT',
        'TIO_DEV_RECLAIM',
      ]),
    );
  });
});

describe('SEV-TIO: the hypervisor keeps its mappings; the RMP enforces', () => {
  it('binding revokes no hypervisor mapping, and the RMP assigns the MMIO to the guest after bind', () => {
    const rig = new Rig();
    rig.flow('connect');
    rig.flow('createVpci');
    rig.flow('bind');
    expect(rig.w.host.vfio[VF]?.hostMmap).toBe(true);
    expect(rig.w.host.kvm[VM]?.sharedMmio).toContain(VF);
    const range = rig.range();
    const entry = rig.fw.state.rmp.find((e) => e.hpa === range.hpa.toString(16));
    expect(entry).toMatchObject({ asid: rig.fw.state.guests[VM]?.asid, gpa: range.gpa.toString(16), validated: false, immutable: true, ideStreamId: 0 });
    expect(rig.w.ports.mmio.hostAccessOutcome(range.hpa, true)).toMatchObject({ reaches: false, effect: expect.stringMatching(/^RMP fault/) });
    rig.checkAll();
  });

  it('keeps T=1 DMA blocked until the guest writes its sDTE, with vTOM at its maximum', () => {
    const rig = new Rig();
    for (const f of ['connect', 'createVpci', 'bind'] as const) rig.flow(f);
    for (const s of ['guest.get-evidence', 'guest.verify-evidence', 'guest.request-run'] as const) expect(rig.step(s).ok).toBe(true);
    expect(rig.w.link.tdiState(VF)).toBe('RUN');
    expect(rig.fw.state.sdtes[VF]).toMatchObject({ valid: false, dmaEnabled: false });
    expect(rig.iommu.t1Translates(VM, VF)).toBe(false);
    expect(rig.step('guest.enable-dma').ok).toBe(true);
    expect(rig.fw.state.sdtes[VF]).toMatchObject({ valid: true, dmaEnabled: true, vtomEn: true, vtom: 'ffffffffffff' });
    expect(rig.iommu.t1Translates(VM, VF)).toBe(true);
    rig.checkAll();
  });

  it('gives the guest digests over the protected channel and blobs through the host, one verified against the other', () => {
    const rig = new Rig();
    for (const f of ['connect', 'createVpci', 'bind'] as const) rig.flow(f);
    const e = rig.w.ports.attestation.getEvidence(VM, VF);
    if (!e.ok) throw new Error(e.code);
    const blobs = rig.fw.state.host.blobs[VF];
    expect(blobs?.interfaceReport).toBeDefined();
    expect(rig.w.guests[VM]?.devices[VF]?.verified).toBe(false);
    expect(rig.step('guest.get-evidence').ok).toBe(true);
    expect(rig.step('guest.verify-evidence').ok).toBe(true);
    // The host tampers with the measurements blob it relays: the digest from TDI_INFO catches it.
    const blobsNow = rig.fw.state.host.blobs[VF];
    if (blobsNow) blobsNow.measurements = blobsNow.measurements.replace(/^../, 'ff');
    expect(rig.step('guest.get-evidence').ok).toBe(true);
    expect(rig.step('guest.verify-evidence')).toMatchObject({ ok: false, code: 'GUEST_REJECTED' });
  });

  it('changes the freshness token even when the host relocks without reading the report again (no TIO_TDI_REPORT)', () => {
    const rig = new Rig();
    for (const f of ['connect', 'createVpci'] as const) rig.flow(f);
    expect(rig.step('tsm.bind').ok).toBe(true);
    const before = rig.w.ports.attestation.freshness(VM, VF);
    for (const s of ['tsm.stop', 'tsm.unbind', 'tsm.bind'] as const) expect(rig.step(s).ok).toBe(true);
    const after = rig.w.ports.attestation.freshness(VM, VF);
    expect(before.ok && after.ok).toBe(true);
    expect(after).not.toEqual(before);
  });

  it('changes the freshness token (intf_report_counter) when the host locks the TDI again', () => {
    const rig = new Rig();
    for (const f of ['connect', 'createVpci', 'bind'] as const) rig.flow(f);
    const before = rig.w.ports.attestation.freshness(VM, VF);
    rig.flow('unbind');
    rig.flow('bind');
    const after = rig.w.ports.attestation.freshness(VM, VF);
    expect(before.ok && after.ok && before.value !== after.value).toBe(true);
  });
});

describe('SEV-TIO: the guest gives the TDI up', () => {
  it('in the posted phase-2 order: STOP → SDTE_WRITE invalidate → MMIO_VALIDATE validated=0 → UNBIND, then the host reclaims', () => {
    const rig = new Rig().running();
    const from = rig.w.tracer.length;
    expect(rig.flow('unlock')).toMatchObject({ ok: true });
    const trace = rig.since(from);
    const calls = trace.filter((e) => e.actor === 'firmware' && !e.result.startsWith('SEV_RET_SPDM')).map((e) => (e.op === 'TIO_GUEST_REQUEST SDTE_WRITE_REQ' ? `${e.op} v=${e.args?.v}` : e.op === 'TIO_GUEST_REQUEST MMIO_VALIDATE_REQ' ? `${e.op} validated=${e.args?.validated}` : e.op));
    expect(calls).toEqual([
      'TIO_TDI_UNBIND',
      'TIO_TDI_STATUS',
      'TIO_GUEST_REQUEST SDTE_WRITE_REQ v=0x0',
      'TIO_GUEST_REQUEST MMIO_VALIDATE_REQ validated=0x0',
      'TIO_TDI_RECLAIM',
      'TIO_ASID_FENCE_STATUS',
      'RMPUPDATE',
    ]);
    expect(trace.find((e) => e.op === 'tsm.stop')?.caller).toBe('guest');
    expect(trace.find((e) => e.op === 'SVM_VMGEXIT_SEV_TIO_OP UNBIND')).toBeDefined();
    expect(rig.w.host.pci[VF]?.bound).toBeUndefined();
    expect(rig.w.guests[VM]?.devices[VF]).toMatchObject({ accepted: [], running: false, dmaEnabled: false });
    expect(rig.fw.state.tdis).toEqual({});
    rig.checkAll();
    // The device can be bound and accepted again.
    expect(rig.flow('bind').ok).toBe(true);
    expect(rig.flow('accept').ok).toBe(true);
    rig.checkAll();
  });
});
