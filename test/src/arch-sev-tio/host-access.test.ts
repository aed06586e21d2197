import { describe, expect, it } from 'vitest';
import { Rig, VF, VM } from './harness.js';

describe('SEV-TIO: a hypervisor access to private MMIO while the TDI is bound', () => {
  it('reads: an RMP fault, the TDI stays in RUN, nothing reaches the device, no ASID fence', () => {
    const rig = new Rig().running();
    const range = rig.range();
    expect(rig.w.host.vfio[VF]?.hostMmap).toBe(true);
    const epoch = rig.w.link.lockEpoch(VF);
    for (const write of [false, true]) {
      const o = rig.w.ports.mmio.hostAccess(range.hpa + 0x40n, true, write);
      expect(o.reaches).toBe(false);
      expect(o.fatal).toBeUndefined();
      expect(o.effect).toMatch(/^RMP fault: the page is assigned to ASID 1 .*no device disturbance, no TDISP ERROR$/);
    }
    expect(rig.w.link.tdiState(VF)).toBe('RUN');
    expect(rig.w.link.lockEpoch(VF)).toBe(epoch);
    expect(rig.fw.state.fences).toEqual({});
    // The guest keeps its device: its MMIO and its DMA still work.
    expect(rig.w.ports.mmio.guestAccess(VM, range.gpa, false)).toEqual({ reaches: true, effect: `private MMIO of ${VF}` });
    expect(rig.w.ports.mmio.guestAccess(VM, range.gpa, true).reaches).toBe(true);
    expect(rig.iommu.t1Translates(VM, VF)).toBe(true);
    rig.checkAll();
  });

  it('is what the invariant asks about: the RMP-assigned page is out of the hypervisor\'s reach while RUN', () => {
    const rig = new Rig().running();
    for (const r of rig.ranges()) for (let p = 0n; p < BigInt(r.pages); p++) expect(rig.w.ports.mmio.hostAccessOutcome(r.hpa + p * 0x1000n, true).reaches).toBe(false);
  });

  it('between TIO_TDI_BIND and the RMP update the page is the hypervisor\'s: the locked TDI takes the access and goes to ERROR', () => {
    const rig = new Rig();
    for (const f of ['connect', 'createVpci'] as const) rig.flow(f);
    expect(rig.step('tsm.bind').ok).toBe(true);
    const range = rig.range();
    expect(rig.fw.state.rmp.find((e) => e.hpa === range.hpa.toString(16))).toBeUndefined();
    const o = rig.w.ports.mmio.hostAccess(range.hpa, true, true);
    expect(o).toMatchObject({ reaches: false, effect: expect.stringMatching(/no RMP entry: the T=0 request reaches 0000:01:00.1 \(CONFIG_LOCKED\), which refuses it and goes to ERROR/) });
    expect(rig.w.link.tdiState(VF)).toBe('ERROR');
  });
});

describe('SEV-TIO: a fault from a bound TDI fences the ASID until the host clears it', () => {
  /** Running, then the host revokes the MMIO and the guest touches it: the RMP violation fences ASID 1. */
  function fenced() {
    const rig = new Rig().running();
    const range = rig.range();
    expect(rig.step('kvm.unmap-private-mmio').ok).toBe(true);
    const first = rig.w.ports.mmio.guestAccess(VM, range.gpa, false);
    return { rig, range, first };
  }

  it('the faulting access is refused and fences the ASID for the device', () => {
    const { rig, first } = fenced();
    expect(first.reaches).toBe(false);
    expect(first.effect).toMatch(/^RMP violation on 0000:01:00.1's MMIO at HPA 0x3810000000 \(revoked by the host\): ASID 1 fenced$/);
    expect(Object.values(rig.fw.state.fences)).toEqual([{ dsm: '0000:01:00.0', asid: 1, cause: expect.stringMatching(/RMP violation/) }]);
    expect(rig.w.tracer.entries.some((e) => e.op === 'root complex: ASID fence' && e.actor === 'firmware')).toBe(true);
  });

  it('while fenced: MMIO writes are dropped, reads return all ones, T=1 DMA is dropped', () => {
    const { rig, range } = fenced();
    expect(rig.w.ports.mmio.guestAccess(VM, range.gpa, true)).toEqual({ reaches: false, effect: 'write dropped: ASID 1 is fenced' });
    expect(rig.w.ports.mmio.guestAccess(VM, range.gpa + 0x1000n, false)).toEqual({ reaches: false, effect: 'reads all ones: ASID 1 is fenced' });
    expect(rig.iommu.t1Translates(VM, VF)).toBe(false);
    expect(rig.psp.asidFenceStatus('0000:01:00.0', 1)).toEqual({ ok: true, value: true });
    // The TDI itself is untouched by the fence.
    expect(rig.w.link.tdiState(VF)).toBe('RUN');
    rig.checkAll();
  });

  it('unbind finds the fence (TIO_ASID_FENCE_STATUS) and clears it (TIO_ASID_FENCE_CLEAR) because the TDI had run', () => {
    const { rig } = fenced();
    const from = rig.w.tracer.length;
    expect(rig.flow('unbind').ok).toBe(true);
    const ops = rig.since(from).filter((e) => e.actor === 'firmware').map((e) => `${e.op}=${e.result}`);
    expect(ops).toContain('TIO_ASID_FENCE_STATUS=ok');
    expect(ops.indexOf('TIO_ASID_FENCE_CLEAR=ok')).toBeGreaterThan(ops.indexOf('TIO_ASID_FENCE_STATUS=ok'));
    expect(rig.fw.state.fences).toEqual({});
    expect(rig.psp.asidFenceStatus('0000:01:00.0', 1)).toEqual({ ok: true, value: false });
    rig.checkAll();
  });

  it('is not raised by the hypervisor\'s own access, and not by the guest\'s access to MMIO that stayed assigned', () => {
    const rig = new Rig().running();
    const range = rig.range();
    rig.w.ports.mmio.hostAccess(range.hpa, true, false);
    rig.w.ports.mmio.guestAccess(VM, range.gpa, true);
    expect(rig.fw.state.fences).toEqual({});
  });
});
