import { type FwResult, tdisp } from '@teeio/core';
import { SESSION_KEY_MESSAGE_LIMIT, TDX } from '@teeio/arch-tdx';
import { describe, expect, it } from 'vitest';
import { DSM, TDI, VM, example, runTdx, tdxModel } from './harness.js';

const code = (r: FwResult<unknown>) => (r.ok ? 'ok' : r.code);

describe('TDX module model: TDI identity and ownership', () => {
  it('binds with the host BDF and the TD as identity, not the guest RID; LOCK goes to the host function', () => {
    const h = tdxModel();
    h.flow('connect', 'createVpci', 'bind');
    const d = h.fw.devif(TDI);
    expect(d).toMatchObject({ tdi: TDI, td: VM, tdispSts: 'CONFIG_LOCKED', bindSession: 1 });
    const lock = h.w.tracer.entries.find((e) => e.op === 'LOCK_INTERFACE_REQUEST');
    expect(lock?.args).toEqual({ tdi: TDI });
    // MMIO ownership: the TEE range of the locked report, owned by the DEVIF, mapped by TDH.MMIO.MAP.
    expect(d?.mmiomt).toEqual([{ hpa: '0x3810000000', pages: 16, rangeIndex: 0, rangeId: 0, mapped: true }]);
    expect(code(h.devif.devifCreate(TDI, VM, h.fw.streamOfDsm(DSM)?.handle ?? 0))).toBe(TDX.DEVIFMT_ALREADY_PRESENT);
  });

  it('creates no DEVIF on a blocked IDE stream, nor for a VM without a TD', () => {
    const h = tdxModel();
    h.flow('connect');
    const handle = h.fw.streamOfDsm(DSM)?.handle ?? 0;
    expect(code(h.devif.devifCreate(TDI, 'no-such-vm', handle))).toBe(TDX.OPERAND_INVALID);
    expect(code(h.spdm.ideStreamBlock(handle))).toBe('ok');
    expect(code(h.devif.devifCreate(TDI, VM, handle))).toBe(TDX.IDE_STREAM_INVALID_STATE);
  });
});

describe('TDX module model: the DOE relay loop', () => {
  it('TDH.SPDM.CONNECT yields TDX_SPDM_REQUEST with its message in the request page, for each exchange', () => {
    const h = tdxModel();
    h.spdm.iommuSetup('0xfed90000', true);
    const created = h.spdm.spdmCreate(DSM);
    if (!created.ok) throw new Error(created.code);
    const id = created.value;
    const pages: string[] = [];
    let r = h.spdm.spdmConnect(id);
    while (!r.ok && r.code === TDX.SPDM_REQUEST) {
      const page = h.fw.pendingRelay(String(id));
      if (!page) throw new Error('no request page');
      pages.push(`${page.protocol} → ${page.target}`);
      const carried = h.host.relay(page);
      if (!carried.ok) throw new Error(carried.code);
      r = h.spdm.resumeSpdmConnect(id, { response: carried.value });
    }
    expect(code(r)).toBe('ok');
    expect(pages).toEqual([...Array<string>(3).fill(`DOE_DISCOVERY → ${DSM}`), `IDE_KM → ${DSM}`]);
    expect(h.fw.spdm(id)?.state).toBe('CONNECTED');
  });

  it('a transfer the host could not make abandons the call and frees the extension slot', () => {
    const h = tdxModel();
    h.spdm.iommuSetup('0xfed90000', true);
    const created = h.spdm.spdmCreate(DSM);
    if (!created.ok) throw new Error(created.code);
    expect(code(h.spdm.spdmConnect(created.value))).toBe(TDX.SPDM_REQUEST);
    expect(code(h.spdm.resumeSpdmConnect(created.value, { failed: '-EIO' }))).toBe(TDX.SPDM_TRANSFER_FAILED);
    expect(h.fw.state.inFlight).toBeUndefined();
    expect(h.fw.spdm(created.value)?.state).toBe('CREATED');
    expect(code(h.spdm.spdmDelete(created.value))).toBe('ok');
  });

  it(`asks for a session key refresh after ${SESSION_KEY_MESSAGE_LIMIT} secured messages; TDH.SPDM.MNG(KEY_UPDATE) resets it`, () => {
    const h = tdxModel();
    h.flow('connect', 'createVpci', 'bind');
    const s = h.fw.spdmOfDsm(DSM);
    if (!s) throw new Error('no session');
    s.messages = SESSION_KEY_MESSAGE_LIMIT;
    expect(code(h.devif.devifRequest(TDI, 'GET_DEVICE_INTERFACE_STATE'))).toBe(TDX.SPDM_SESSION_KEY_REQUIRE_REFRESH);
    expect(code(h.spdm.spdmMng(s.spdmId, 'KEY_UPDATE'))).toBe('ok');
    expect(s).toMatchObject({ messages: 0, keyUpdates: 1 });
    expect(code(h.devif.devifRequest(TDI, 'GET_DEVICE_INTERFACE_STATE'))).toBe('ok');
  });

  it('the module builds TDISP requests the device can decode, the host only carries them', () => {
    const h = tdxModel();
    h.flow('connect', 'createVpci', 'bind');
    expect(code(h.devif.devifRequest(TDI, 'STOP_INTERFACE_REQUEST'))).toBe('ok');
    const page = h.devif.requestPage(TDI);
    expect(page?.protocol).toBe('TDISP');
    expect(tdisp.decode(Buffer.from(page?.message ?? '', 'hex')).message.messageType).toBe('STOP_INTERFACE_REQUEST');
    // Not sent yet: the device is still locked until the host relays it.
    expect(h.w.link.tdiState(TDI)).toBe('CONFIG_LOCKED');
  });
});

describe('TDX module model: private MMIO and trusted DMA', () => {
  it('MMIO_PENDING is not usable by the guest; TDG.MMIO.ACCEPT makes it MAPPED; MapGPA(shared) gives it up', () => {
    const h = tdxModel();
    h.flow('connect', 'createVpci', 'bind');
    const [range] = h.ranges();
    if (!range) throw new Error('no TEE range');
    const mmio = h.w.ports.mmio;
    expect(mmio.guestAccess(VM, range.gpa, false)).toMatchObject({ reaches: false });
    expect(mmio.view()).toEqual([expect.objectContaining({ vm: VM, tdi: TDI, gpa: range.gpa, hpa: range.hpa, guestUsable: false })]);
    expect(code(mmio.guestAccept(VM, TDI, range))).toBe('ok');
    expect(mmio.guestAccess(VM, range.gpa, false)).toMatchObject({ reaches: true });
    expect(mmio.view()[0]?.guestUsable).toBe(true);
    expect(code(mmio.guestRelease(VM, TDI, range))).toBe('ok');
    expect(mmio.view()[0]?.guestUsable).toBe(false);
  });

  it('a hypervisor mapping of TD-owned MMIO reaches the device (fatal); without one nothing does', () => {
    const h = tdxModel();
    h.flow('connect', 'createVpci', 'bind');
    const [range] = h.ranges();
    if (!range) throw new Error('no TEE range');
    expect(h.w.ports.mmio.hostAccessOutcome(range.hpa, true)).toMatchObject({ reaches: true, fatal: true });
    expect(h.w.ports.mmio.hostAccessOutcome(range.hpa, false)).toMatchObject({ reaches: false });
  });

  it('trusted DMA translates only once the guest accepted it, into the TD\'s S-EPT', () => {
    const h = tdxModel();
    h.flow('connect', 'createVpci', 'bind');
    expect(h.w.ports.iommu.t1Translates(VM, TDI)).toBe(false);
    expect(h.fw.state.dmar[TDI]?.state).toBe('PENDING');
    expect(code(h.w.ports.iommu.guestEnableDma(VM, TDI))).toBe('ok');
    expect(h.w.ports.iommu.t1Translates(VM, TDI)).toBe(true);
    expect(h.w.ports.iommu.t1Translates('vm1', TDI)).toBe(false);
    expect(code(h.w.ports.iommu.guestDisableDma(VM, TDI))).toBe('ok');
    expect(h.w.ports.iommu.t1Translates(VM, TDI)).toBe(false);
  });
});

describe('TDX host: what KVM and tdx-host do with the module\'s errors', () => {
  it('KVM retries a TDH.MMIO.MAP that found the module busy: the injected failure is survived', () => {
    const clean = runTdx(example('lifecycle.json')).report;
    const nth = clean.trace.filter((e) => e.actor === 'firmware').findIndex((e) => e.op === 'TDH.MMIO.MAP') + 1;
    const { report } = runTdx({ ...example('lifecycle.json'), faults: [{ kind: 'firmware', nth }] });
    expect(report.trace.filter((e) => e.op === 'TDH.MMIO.MAP').map((e) => e.result)).toEqual([TDX.OPERAND_BUSY, 'ok']);
    expect(report.outcome).toBe('pass');
  });

  it('a STOP the device never gets: the host blocks the IDE stream, so unmap and removal still go through, and nothing is killed', () => {
    const h = tdxModel();
    h.flow('connect', 'createVpci', 'bind', 'accept');
    const f = h.w.faults.snapshot();
    h.w.faults.restore({ ...f, failures: [{ kind: 'doe', nth: f.counts.doe + 1 }] });
    const [stop] = h.step('tsm.stop');
    expect(stop && code(stop)).toBe('-EIO');
    expect(h.fw.streamOfDsm(DSM)?.blocked).toBe(true);
    expect(h.step('kvm.unmap-private-mmio', 'iommu.teardown-trusted', 'tsm.unbind').map((r) => code(r))).toEqual(['ok', 'ok', 'ok']);
    expect(h.w.host.kvm[VM]?.killed).toBeUndefined();
    expect(h.fw.devif(TDI)).toBeUndefined();
  });

  it('the TD cannot be reclaimed before its HKID is freed', () => {
    const h = tdxModel();
    expect(code(h.td.reclaimTdr('vm1'))).toBe(TDX.LIFECYCLE_STATE_INCORRECT);
    expect(code(h.td.keyFreeId('vm1'))).toBe('ok');
    expect(code(h.td.reclaimTdr('vm1'))).toBe('ok');
  });

  it('the module state is plain data: a snapshot restores the same world', () => {
    const h = tdxModel();
    h.flow('connect', 'createVpci', 'bind');
    const snap = h.w.snapshot();
    const hash = h.w.hash();
    h.flow('accept', 'unbind');
    expect(h.w.hash()).not.toBe(hash);
    h.w.restore(snap);
    expect(h.w.hash()).toBe(hash);
    expect(JSON.parse(JSON.stringify(h.fw.snapshot()))).toEqual(h.fw.snapshot());
  });
});
