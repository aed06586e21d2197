import {
  type Bdf,
  DEVICE_LINK,
  type DeviceLink,
  type FwResult,
  OK,
  TRACER,
  type TdiStateChange,
  type Tracer,
  type TsmPort,
  type TsmView,
  type VmId,
  fail,
  fromHex,
  ok,
  teeRanges,
} from '@teeio/core';
import { inject, injectable } from 'tsyringe';
import { TDX } from '../codes.js';
import { TdxHostDriver, retryBusy } from '../host/driver.js';
import { DRHDS } from '../host/platform.js';
import { DevifCalls } from '../firmware/devif.js';
import { TdxFirmware } from '../firmware/firmware.js';
import { SpdmIdeCalls } from '../firmware/spdm-ide.js';
import { TdCalls } from '../firmware/td.js';

/**
 * The platform TSM for TDX Connect: tdx-host's link ops (connect/disconnect: SPDM and IDE
 * through the module), bind (DEVIF create, LOCK through the module, MMIO ownership), STOP,
 * unbind (DEVIF removal) and guest requests (START, unlock), plus the TD's creation and
 * teardown as KVM does them.
 */
@injectable()
export class TdxTsm implements TsmPort {
  constructor(
    @inject(TdxFirmware) private readonly fw: TdxFirmware,
    @inject(TdxHostDriver) private readonly host: TdxHostDriver,
    @inject(SpdmIdeCalls) private readonly spdm: SpdmIdeCalls,
    @inject(DevifCalls) private readonly devif: DevifCalls,
    @inject(TdCalls) private readonly td: TdCalls,
    @inject(TRACER) private readonly tracer: Tracer,
    @inject(DEVICE_LINK) private readonly link: DeviceLink,
  ) {}

  createVm(vm: VmId): FwResult {
    return retryBusy(() => this.td.mngCreate(vm));
  }

  /** KVM's TD teardown: free the HKID, then reclaim the TDR, which fails while a DEVIF remains. */
  destroyVm(vm: VmId): FwResult {
    if (!this.fw.td(vm)) return OK;
    if (!this.fw.td(vm)?.keyFreed) {
      const r = retryBusy(() => this.td.keyFreeId(vm));
      if (!r.ok) return r;
    }
    return retryBusy(() => this.td.reclaimTdr(vm));
  }

  /** Host-side PCI steps of the IDE set-up ([L-RFC] order), recorded for the trace. */
  private pci(op: string, dsm: Bdf): void {
    this.tracer.record({ actor: 'pci', op, args: { dsm }, result: 'ok' });
  }

  /** TDX Connect init (tdx-host probe): TDH.IOMMU.SETUP on every DRHD not set up yet. */
  private iommuSetup(): FwResult {
    for (const drhd of DRHDS) {
      if (this.fw.state.iommus.some((i) => i.vtbar === drhd.vtbar)) continue;
      const r = this.spdm.iommuSetup(drhd.vtbar, drhd.tdxCapable);
      if (!r.ok && r.code !== TDX.OPERAND_INVALID) return r;
    }
    return this.fw.state.iommus.length > 0 ? OK : fail('-ENODEV', 'no TDX-capable IOMMU');
  }

  /**
   * tsm/connect: the trusted IOMMU first, then TDH.SPDM.CREATE, TDH.SPDM.CONNECT (relayed),
   * TDH.IDE.STREAM.CREATE and TDH.IDE.STREAM.KM(SETUP) (relayed), with the host's PCI IDE
   * steps between them as [L-RFC] orders them. A failure undoes what was done, in the
   * teardown order.
   */
  connect(dsm: Bdf): FwResult {
    const init = this.iommuSetup();
    if (!init.ok) return init;
    const created = this.spdm.spdmCreate(dsm);
    if (!created.ok) return created;
    const spdmId = created.value;
    const connected = this.host.extension(String(spdmId), () => this.spdm.spdmConnect(spdmId), (t) => this.spdm.resumeSpdmConnect(spdmId, t));
    if (!connected.ok) return this.undoConnect(dsm, connected);
    const stream = this.spdm.ideStreamCreate(spdmId);
    if (!stream.ok) return this.undoConnect(dsm, stream);
    const handle = stream.value;
    this.pci('pci_ide_stream_register', dsm);
    this.pci('pci_ide_stream_setup (EP, default_stream=1)', dsm);
    const keyed = this.host.extension(String(handle), () => this.spdm.ideStreamKm(handle, 'SETUP'), (t) => this.spdm.resumeIdeStreamKm(handle, 'SETUP', t), spdmId);
    if (!keyed.ok) return this.undoConnect(dsm, keyed);
    this.pci('tsm_ide_stream_register', dsm);
    this.pci('pci_ide_stream_enable (EP)', dsm);
    return OK;
  }

  private undoConnect(dsm: Bdf, cause: FwResult): FwResult {
    this.teardownLink(dsm);
    return cause;
  }

  /**
   * The [L-RFC] teardown order: KM(STOP), TDH.IDE.STREAM.BLOCK, TDH.IDE.STREAM.DELETE,
   * TDH.SPDM.DISCONNECT, TDH.SPDM.DELETE. Each step is skipped when the module no longer holds
   * its object, so a retried disconnect continues where the failed one stopped.
   */
  private teardownLink(dsm: Bdf): FwResult {
    const stream = this.fw.streamOfDsm(dsm);
    if (stream) {
      const h = stream.handle;
      if (stream.keyed && !stream.blocked) {
        const r = this.host.extension(String(h), () => this.spdm.ideStreamKm(h, 'STOP'), (t) => this.spdm.resumeIdeStreamKm(h, 'STOP', t), stream.spdmId, true);
        if (!r.ok) return r;
      }
      if (!this.fw.stream(h)?.blocked) {
        const r = retryBusy(() => this.spdm.ideStreamBlock(h));
        if (!r.ok) return r;
      }
      const r = retryBusy(() => this.spdm.ideStreamDelete(h));
      if (!r.ok) return r;
    }
    const session = this.fw.spdmOfDsm(dsm);
    if (!session) return OK;
    if (session.state === 'CONNECTED') {
      const r = retryBusy(() => this.spdm.spdmDisconnect(session.spdmId));
      if (!r.ok) return r;
    }
    return retryBusy(() => this.spdm.spdmDelete(session.spdmId));
  }

  /** tsm/disconnect; pci_tsm_disconnect unbinds every TDI first, so DEVIFs left mean a caller bug. */
  disconnect(dsm: Bdf, force: boolean): FwResult {
    const bound = Object.values(this.fw.state.devifs).filter((d) => d.dsm === dsm);
    if (bound.length > 0 && !force) return fail('-EBUSY', `TDI ${bound.map((d) => d.tdi).join(', ')} of ${dsm} are still bound`);
    return this.teardownLink(dsm);
  }

  /**
   * pci_tsm_bind: TDH.DEVIF.CREATE with the host BDF and the TD ([AIK]: "Bind for TDX doesn't
   * require vBDF or vIOMMU ID"; `guestRid` is not used), LOCK through the module, the report in
   * portions, then TDH.MMIO.MT.SET for each TEE range ("declares the MMIO ownership to TD"; the
   * [HOST-RFC] stub declares it before LOCK, teeio after, from the locked report).
   */
  bind(tdi: Bdf, vm: VmId, guestRid: number): FwResult<Uint8Array> {
    const stream = this.fw.streamOfDsm(this.link.dsmOf(tdi));
    if (!stream) return fail('-ENXIO', `no IDE stream to the DSM of ${tdi}`);
    const created = this.devif.devifCreate(tdi, vm, stream.handle);
    if (!created.ok) return created;
    const locked = this.host.tdisp(tdi, 'LOCK_INTERFACE_REQUEST');
    if (!locked.ok) return this.undoBind(tdi, locked);
    for (let portions = 0; !this.fw.devif(tdi)?.reportComplete; portions++) {
      if (portions > 64) return this.undoBind(tdi, fail(TDX.DEVIF_TDISP_INVALID_MESSAGE, 'the report does not end'));
      const r = this.host.tdisp(tdi, 'GET_DEVICE_INTERFACE_REPORT');
      if (!r.ok) return this.undoBind(tdi, r);
    }
    const report = fromHex(this.fw.devif(tdi)?.report ?? '');
    for (const range of teeRanges(report, guestRid)) {
      const r = this.devif.mmioMtSet(tdi, range.hpa, range.pages);
      if (!r.ok) return this.undoBind(tdi, r);
    }
    return ok(report);
  }

  /** A failed bind: STOP through the module (LOCK may have reached the device), then remove the DEVIF. */
  private undoBind(tdi: Bdf, cause: FwResult): FwResult<never> {
    if (this.fw.devif(tdi)) {
      this.stop(tdi);
      this.unbind(tdi);
    }
    return cause as FwResult<never>;
  }

  /**
   * STOP_INTERFACE_REQUEST through the module (VMM-generated): CONFIG_UNLOCKED, nonce scrubbed.
   * Teardown cannot be refused (pci_tsm's unbind returns nothing, inferred), so a busy call is
   * made once more; and when STOP still cannot complete (the device does not answer), the host
   * blocks the TDI's IDE stream: the module's other condition for S-EPT unmap and TDI removal
   * ([MOD]: "CONFIG_UNLOCKED or a blocked IDE stream"), so the teardown can go on. The failure
   * is still reported; the DSM needs a reconnect before it binds again (teeio's choice).
   */
  stop(tdi: Bdf): FwResult {
    const d = this.fw.devif(tdi);
    if (!d) return fail(TDX.OPERAND_INVALID, `${tdi} has no DEVIF`);
    const r = this.host.tdisp(tdi, 'STOP_INTERFACE_REQUEST', false, true);
    if (r.ok) return OK;
    if (this.fw.devif(tdi)?.tdispSts !== 'CONFIG_UNLOCKED' && !this.fw.stream(d.streamHandle)?.blocked) retryBusy(() => this.spdm.ideStreamBlock(d.streamHandle));
    return r;
  }

  /** TDI ownership reclaim and metadata free: TDH.DEVIF.REMOVE. */
  unbind(tdi: Bdf): FwResult {
    return retryBusy(() => this.devif.devifRemove(tdi));
  }

  /**
   * A guest state change. RUN: the guest authorises START (TDG.TDI.START with the bind session
   * it read), then the host's TDH.TDI.START moves the TDI to RUN. UNLOCK: the guest asks for a
   * STOP (TDG.DEVIF.REQUEST), which the host sends as a TD-generated request.
   */
  guestRequest(vm: VmId, tdi: Bdf, change: TdiStateChange): FwResult {
    if (change === 'RUN') {
      const expected = this.fw.state.guest[`${vm}/${tdi}`]?.bindSession ?? 0;
      const authorised = this.devif.tdgTdiStart(vm, tdi, expected);
      if (!authorised.ok) return authorised;
      const spdmId = this.fw.devif(tdi)?.spdmId;
      return this.tracer.as('tsm', () => this.host.extension(tdi, () => this.devif.tdiStart(tdi), (t) => this.devif.resumeTdiStart(tdi, t), spdmId));
    }
    const asked = this.devif.tdgDevifRequest(vm, tdi, 'STOP_INTERFACE_REQUEST');
    if (!asked.ok) return asked;
    const r = this.tracer.as('tsm', () => this.host.tdisp(tdi, 'STOP_INTERFACE_REQUEST', true));
    return r.ok ? OK : r;
  }

  view(): TsmView {
    const s = this.fw.state;
    return {
      sessions: Object.values(s.spdm).map((x) => x.dsm),
      ideStreams: Object.values(s.streams).map((x) => ({ dsm: x.dsm, streamId: x.ideStreamId })),
      tdis: Object.values(s.devifs).map((d) => ({ tdi: d.tdi, vm: d.td })),
      vms: Object.keys(s.tds),
    };
  }
}
