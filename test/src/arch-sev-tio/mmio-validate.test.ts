import type { TeeMmioRange } from '@teeio/core';
import { describe, expect, it } from 'vitest';
import { Rig, VF, VM, example, run } from './harness.js';

/**
 * Each MMIO_VALIDATE status, provoked by a host or a guest doing one thing wrong. The guest's
 * request is TIO_MSG_MMIO_VALIDATE_REQ through TIO_GUEST_REQUEST; the status is the response's.
 */

/** Connected, vPCI created, bound without the RMP update; the guest attested, runs the TDI and enabled DMA. */
function boundWithoutRmp(): Rig {
  const rig = new Rig();
  for (const f of ['connect', 'createVpci'] as const) rig.flow(f);
  for (const s of ['guest.request-lock', 'tsm.bind', 'iommu.setup-trusted', 'attestation.register'] as const) expect(rig.step(s).ok).toBe(true);
  return rig;
}

function attested(rig: Rig): Rig {
  for (const s of ['guest.get-evidence', 'guest.verify-evidence', 'guest.request-run', 'guest.enable-dma'] as const) expect(rig.step(s).ok).toBe(true);
  return rig;
}

/** Bound with the RMP update done by the host as KVM does it; the guest attested and enabled DMA. */
function readyToValidate(): Rig {
  const rig = new Rig();
  for (const f of ['connect', 'createVpci', 'bind'] as const) rig.flow(f);
  return attested(rig);
}

const validate = (rig: Rig, r: TeeMmioRange) => rig.w.ports.mmio.guestAccept(VM, VF, r);

/** The guest cannot use the range and no invariant breaks. */
function refused(rig: Rig, r: TeeMmioRange): void {
  expect(rig.w.ports.mmio.guestAccess(VM, r.gpa, false).reaches).toBe(false);
  expect(rig.w.ports.mmio.view().every((m) => !m.guestUsable)).toBe(true);
  rig.checkAll();
}

describe('SEV-TIO: MMIO_VALIDATE checks and statuses', () => {
  it('succeeds on the range the host assigned at the GPA the guest expects', () => {
    const rig = readyToValidate();
    const r = rig.range();
    expect(validate(rig, r)).toEqual({ ok: true, value: undefined });
    expect(rig.fw.state.rmp.every((e) => e.validated)).toBe(true);
    expect(rig.w.ports.mmio.guestAccess(VM, r.gpa, false).reaches).toBe(true);
  });

  it('MMIO_VALIDATE_NOT_ASSIGNED: the host skipped the RMP update (scenario)', () => {
    const r = run(example('sev-tio-mmio-validate-not-assigned'));
    expect(r.violations).toEqual([]);
    expect(r.steps.find((s) => s.step === 'guest.accept-mmio')?.result).toBe('MMIO_VALIDATE_NOT_ASSIGNED');
    expect(r.outcome).toBe('pass');
  });

  it('MMIO_VALIDATE_NOT_ASSIGNED: the host assigned only part of the range', () => {
    const rig = boundWithoutRmp();
    const r = rig.range();
    expect(rig.mmio.rmpUpdate(VM, VF, { ...r, pages: r.pages - 1 }, { immutable: true }).ok).toBe(true);
    attested(rig);
    expect(validate(rig, r)).toMatchObject({ ok: false, code: 'MMIO_VALIDATE_NOT_ASSIGNED', detail: expect.stringMatching(/^page 0x381000f000 is not assigned/) });
    refused(rig, r);
  });

  it('MMIO_VALIDATE_NOT_MAPPED: the host mapped the range at another GPA', () => {
    const rig = boundWithoutRmp();
    const r = rig.range();
    expect(rig.w.ports.mmio.mapPrivate(VM, VF, { ...r, gpa: r.gpa + 0x10_0000n }).ok).toBe(true);
    attested(rig);
    expect(validate(rig, r)).toMatchObject({ ok: false, code: 'MMIO_VALIDATE_NOT_MAPPED' });
    refused(rig, r);
  });

  it('MMIO_VALIDATE_NOT_IMMUTABLE: the host\'s RMP update left the pages mutable (RFC v1 rmp_make_private_mmio(…, immutable=false))', () => {
    const rig = boundWithoutRmp();
    const r = rig.range();
    expect(rig.mmio.rmpUpdate(VM, VF, r, { immutable: false }).ok).toBe(true);
    attested(rig);
    expect(validate(rig, r)).toMatchObject({ ok: false, code: 'MMIO_VALIDATE_NOT_IMMUTABLE' });
    refused(rig, r);
  });

  it('MMIO_VALIDATE_NOT_UNIFORM: part of the subrange is validated already', () => {
    const rig = readyToValidate();
    const r = rig.range();
    expect(validate(rig, { ...r, pages: 1 }).ok).toBe(true);
    expect(validate(rig, r)).toMatchObject({ ok: false, code: 'MMIO_VALIDATE_NOT_UNIFORM' });
    // force_validated sets it anyway.
    const route = rig.host.route(VM, VF);
    if (!route) throw new Error('no route');
    expect(rig.psp.mmioValidate(route.dsm, VF, route.gctx, { gpa: r.gpa, pages: r.pages, rangeId: r.rangeId, rangeOffset: 0n, validated: true, force: true }).ok).toBe(true);
  });

  it('MMIO_VALIDATE_NOT_UNIFORM through the guest step: the guest validates again after a partial validation', () => {
    const rig = readyToValidate();
    const r = rig.range();
    expect(validate(rig, { ...r, pages: 1 }).ok).toBe(true);
    expect(rig.step('guest.accept-mmio')).toMatchObject({ ok: false, code: 'MMIO_VALIDATE_NOT_UNIFORM' });
    rig.checkAll();
  });

  it('MMIO_VALIDATE_NOT_REPORTED: a range id the interface report does not have', () => {
    const rig = readyToValidate();
    const r = rig.range();
    expect(validate(rig, { ...r, rangeId: 5 })).toMatchObject({ ok: false, code: 'MMIO_VALIDATE_NOT_REPORTED' });
    refused(rig, r);
  });

  it('MMIO_VALIDATE_OUT_OF_RANGE: a subrange that runs past the reported range', () => {
    const rig = readyToValidate();
    const r = rig.range();
    expect(validate(rig, { ...r, pages: r.pages + 1 })).toMatchObject({ ok: false, code: 'MMIO_VALIDATE_OUT_OF_RANGE' });
    expect(validate(rig, { ...r, hpa: r.hpa + 0x1000n, gpa: r.gpa + 0x1000n })).toMatchObject({ ok: false, code: 'MMIO_VALIDATE_OUT_OF_RANGE' });
    refused(rig, r);
  });

  it('MMIO_VALIDATE_TDI_UNBOUND / MMIO_VALIDATE_INVALID_TDI: validating for an unbound TDI or another guest\'s', () => {
    const rig = readyToValidate();
    const r = rig.range();
    expect(rig.step('tsm.stop').ok).toBe(true);
    expect(validate(rig, r)).toMatchObject({ ok: false, code: 'MMIO_VALIDATE_TDI_UNBOUND' });
    const route = rig.host.route(VM, VF);
    if (!route) throw new Error('no route');
    expect(rig.psp.mmioValidate(route.dsm, VF, '0xdead000', { gpa: r.gpa, pages: r.pages, rangeId: r.rangeId, rangeOffset: 0n, validated: true })).toMatchObject({ ok: false, code: 'MMIO_VALIDATE_INVALID_TDI' });
    // Invalidating (validated=0) is still accepted until the TDI context is reclaimed.
    expect(rig.w.ports.mmio.guestRelease(VM, VF, r).ok).toBe(true);
  });

  it('validates every range of a PF TDI whose BAR0 is split around its locked MSI-X table and PBA', () => {
    const rig = new Rig(
      // The PF is the DSM and a TDI: BAR0 (MSI-X table and PBA carved out) and BAR2.
      (() => {
        const s = { name: 'pf', platform: { devices: [{ id: 'nic0', preset: 'default' as const }] }, vms: [VM], assign: [{ tdi: '0000:01:00.0', vm: VM, guestRid: 16 }], steps: [{ flow: 'connect' as const, dsm: '0000:01:00.0' }] };
        return s;
      })(),
    );
    rig.running('0000:01:00.0');
    const ranges = rig.ranges('0000:01:00.0');
    expect(ranges.length).toBeGreaterThan(2);
    expect(rig.w.ports.mmio.view().every((m) => m.guestUsable)).toBe(true);
    rig.checkAll();
  });
});
