import { type Bdf, DEVICE_LINK, type DeviceLink, type FwResult, OK, TRACER, type TdiStateChange, type Tracer, type TsmPort, type TsmView, type VmId, fail, fromHex, ok } from '@teeio/core';
import { inject, injectable } from 'tsyringe';
import { CcaHostDriver, retryBusy } from '../host/driver.js';
import { CcaKvmExits } from '../host/kvm-exits.js';
import { ROOT_PORT } from '../host/platform.js';
import { PdevCalls, leafKeyOf } from '../firmware/pdev.js';
import { RealmCalls } from '../firmware/realm.js';
import { RmmFirmware } from '../firmware/rmm.js';
import { RsiCalls } from '../firmware/rsi.js';
import { VdevCalls } from '../firmware/vdev.js';

/**
 * The platform TSM for Arm CCA (arm-cca-host's link ops and KVM's realm calls): connect
 * (root-port and endpoint PDEVs, SET_PUBKEY, the NCOH stream), bind (VDEV create and lock at
 * bind time, as host v3 does, then report and measurements into the host's cache), stop
 * (VDEV unlock), unbind (VDEV destroy), the realm's RHI requests, and the realm itself.
 */
@injectable()
export class CcaTsm implements TsmPort {
  constructor(
    @inject(RmmFirmware) private readonly fw: RmmFirmware,
    @inject(CcaHostDriver) private readonly host: CcaHostDriver,
    @inject(CcaKvmExits) private readonly exits: CcaKvmExits,
    @inject(PdevCalls) private readonly pdevs: PdevCalls,
    @inject(VdevCalls) private readonly vdevs: VdevCalls,
    @inject(RealmCalls) private readonly realms: RealmCalls,
    @inject(RsiCalls) private readonly rsi: RsiCalls,
    @inject(DEVICE_LINK) private readonly link: DeviceLink,
    @inject(TRACER) private readonly tracer: Tracer,
  ) {}

  createVm(vm: VmId): FwResult {
    return retryBusy(() => this.realms.create(vm));
  }

  /** KVM's realm teardown at 2.0: RMI_REALM_TERMINATE, then RMI_REALM_DESTROY (RMI_ERROR_REALM while a VDEV exists). */
  destroyVm(vm: VmId): FwResult {
    const realm = this.fw.realm(vm);
    if (!realm) return OK;
    if (realm.state === 'ACTIVE') {
      const r = retryBusy(() => this.realms.terminate(vm));
      if (!r.ok) return r;
    }
    const r = retryBusy(() => this.realms.destroy(vm));
    if (!r.ok) return r;
    // The realm's memory, its driver's nonces with it, is gone; so is KVM's record of its device ranges.
    for (const key of Object.keys(this.fw.state.guest)) if (key.startsWith(`${vm}/`)) delete this.fw.state.guest[key];
    delete this.fw.state.host.devMem[vm];
    return r;
  }

  /** The BARs of `bdf` as its config space holds them (ncoh_addr_range[], the VDEV's ranges). */
  private bars(bdf: Bdf): { base: bigint; size: bigint }[] {
    const site = this.link.site(bdf);
    const fn = site.device.config.functions.find((f) => f.requesterId === site.requesterId);
    return (fn?.bars ?? []).map((b) => ({ base: b.address, size: b.size }));
  }

  private pci(op: string, dsm: Bdf): void {
    this.tracer.record({ actor: 'pci', op, args: { dsm }, result: 'ok' });
  }

  /**
   * tsm/connect (cca_tsm_connect, 2.0 order): the root port's PDEV (NEW → READY), the
   * endpoint's (NEW → NEEDS_KEY over DOE), SET_PUBKEY with the leaf key of the chain the host
   * cached, communicate to READY, then the NCOH stream (STREAM_CONNECT, STREAM_COMPLETE).
   * A failure tears down what was set up.
   */
  connect(dsm: Bdf): FwResult {
    const rp = this.rootPort();
    if (!rp.ok) return rp;
    const steps: (() => FwResult)[] = [
      () => this.pdevs.create(dsm, { category: 'ENDPOINT', rootPort: ROOT_PORT, addrRanges: this.link.functions.filter((f) => this.link.dsmOf(f) === dsm).flatMap((f) => this.bars(f)) }),
      () => this.host.pdevOp(dsm, 'NEEDS_KEY'),
      () => this.pdevs.setPubkey(dsm, leafKeyOf(this.fw.state.host.pdevs[dsm]?.CERTIFICATE ?? ''), 'ECDSA_P384'),
      () => this.host.pdevOp(dsm, 'READY'),
      () => {
        this.pci('pci_ide_stream_setup (EP; the RMM programs the root port)', dsm);
        return this.pdevs.streamConnect(dsm, ROOT_PORT);
      },
      () => this.host.pdevOp(dsm, 'READY'),
      () => this.pdevs.streamComplete(dsm),
      () => this.host.pdevOp(dsm, 'READY'),
    ];
    for (const step of steps) {
      const r = step();
      if (!r.ok) {
        this.teardownLink(dsm);
        return r;
      }
    }
    this.pci('pci_ide_stream_enable (EP)', dsm);
    return OK;
  }

  /** The root port's PDEV, created and brought to READY once (the RMM reaches it through EL3). */
  private rootPort(): FwResult {
    const p = this.fw.pdev(ROOT_PORT);
    if (p?.state === 'READY' && p.comm === 'IDLE') return OK;
    if (p) this.stopAndDestroy(ROOT_PORT);
    const created = this.pdevs.create(ROOT_PORT, { category: 'ROOTPORT', addrRanges: [] });
    if (!created.ok) return created;
    const r = this.host.pdevOp(ROOT_PORT, 'READY');
    if (!r.ok) this.stopAndDestroy(ROOT_PORT);
    return r;
  }

  /**
   * Teardown at 2.0: stream disconnect, PDEV STOP, communicate to STOPPED, PDEV DESTROY; the
   * root port's PDEV last, once no endpoint hangs off it. Each step is skipped when already
   * done, so a retried disconnect continues where the failed one stopped.
   */
  private teardownLink(dsm: Bdf): FwResult {
    const p = this.fw.pdev(dsm);
    if (p && p.comm !== 'IDLE') retryBusy(() => this.pdevs.abort(dsm));
    if (p && Object.keys(p.streams).length > 0) {
      // The stream operations leave the PDEV's own state as it is.
      const state = p.state;
      const r = retryBusy(() => this.pdevs.streamDisconnect(dsm));
      const d = r.ok ? this.host.pdevOp(dsm, state) : r;
      if (!d.ok) return d;
    }
    const r = this.stopAndDestroy(dsm);
    if (!r.ok) return r;
    const endpoints = Object.values(this.fw.state.pdevs).filter((e) => e.rootPort === ROOT_PORT);
    return endpoints.length === 0 ? this.stopAndDestroy(ROOT_PORT) : OK;
  }

  /** RMI_PDEV_STOP, communicate to STOPPED, RMI_PDEV_DESTROY (rme_unassign_device). */
  private stopAndDestroy(id: Bdf): FwResult {
    const p = this.fw.pdev(id);
    if (!p) return OK;
    if (p.comm !== 'IDLE') retryBusy(() => this.pdevs.abort(id));
    if (this.fw.pdev(id)?.state !== 'STOPPED') {
      const stop = retryBusy(() => this.pdevs.stop(id));
      const r = stop.ok ? this.host.pdevOp(id, 'STOPPED') : stop;
      if (!r.ok) return r;
    }
    const r = retryBusy(() => this.pdevs.destroy(id));
    if (r.ok) delete this.fw.state.host.pdevs[id];
    return r;
  }

  disconnect(dsm: Bdf, force: boolean): FwResult {
    const bound = Object.values(this.fw.state.vdevs).filter((v) => v.pdev === dsm);
    if (bound.length > 0 && !force) return fail('-EBUSY', `VDEV ${bound.map((v) => v.tdi).join(', ')} of ${dsm} still exist`);
    return this.teardownLink(dsm);
  }

  /**
   * pci_tsm_bind (cca_vdev_create, host v3): RMI_VDEV_CREATE with vdev_id = the guest RID and
   * tdi_id = the host RID, communicate to UNLOCKED, then LOCK, GET_INTERFACE_REPORT and
   * GET_MEASUREMENTS, each pumped to its end; the report comes from the host's cache.
   */
  bind(tdi: Bdf, vm: VmId, guestRid: number): FwResult<Uint8Array> {
    const dsm = this.link.dsmOf(tdi);
    const created = this.vdevs.create(vm, dsm, tdi, { vdevId: guestRid, addrRanges: this.bars(tdi) });
    if (!created.ok) return created;
    const steps: (() => FwResult)[] = [
      () => this.host.vdevOp(tdi, 'UNLOCKED'),
      () => this.vdevs.lock(tdi),
      () => this.host.vdevOp(tdi, 'LOCKED'),
      () => this.vdevs.getInterfaceReport(tdi),
      () => this.host.vdevOp(tdi, 'LOCKED', ['INTERFACE_REPORT']),
      () => this.vdevs.getMeasurements(tdi),
      () => this.host.vdevOp(tdi, 'LOCKED', ['MEASUREMENTS']),
    ];
    for (const step of steps) {
      const r = step();
      if (!r.ok) {
        this.stop(tdi);
        this.unbind(tdi);
        return r;
      }
    }
    return ok(fromHex(this.fw.state.host.vdevs[tdi]?.INTERFACE_REPORT ?? ''));
  }

  /**
   * RMI_VDEV_UNLOCK and its communicate (TDISP STOP) → UNLOCKED. A pending or failed
   * operation is aborted first (the VDEV goes to ERROR, which UNLOCK accepts); a VDEV still
   * NEW finishes its pending UNLOCK. RMI_ERROR_GRANULE while device memory is mapped.
   */
  stop(tdi: Bdf): FwResult {
    const v = this.fw.vdev(tdi);
    if (!v) return fail('-ENODEV', `${tdi} has no VDEV`);
    if (v.state === 'NEW' && v.comm === 'PENDING') return this.host.vdevOp(tdi, 'UNLOCKED');
    if (v.comm !== 'IDLE') retryBusy(() => this.vdevs.abort(tdi));
    if (this.fw.vdev(tdi)?.state === 'UNLOCKED' || this.fw.vdev(tdi)?.state === 'NEW') return OK;
    const r = retryBusy(() => this.vdevs.unlock(tdi));
    return r.ok ? this.host.vdevOp(tdi, 'UNLOCKED') : r;
  }

  /**
   * RMI_VDEV_DESTROY: NEW or UNLOCKED only. A VDEV an unlock left in ERROR (its TDISP STOP
   * failed) is unlocked again first: ERROR is left only through UNLOCK, then DESTROY (§4).
   */
  unbind(tdi: Bdf): FwResult {
    const v = this.fw.vdev(tdi);
    if (!v) return OK;
    if (v.state === 'ERROR') {
      const stopped = this.stop(tdi);
      if (!stopped.ok) return stopped;
    }
    const r = retryBusy(() => this.vdevs.destroy(tdi));
    if (r.ok) delete this.fw.state.host.vdevs[tdi];
    return r;
  }

  /** The realm's request, over RHI (RSI_HOST_CALL RHI_DA_VDEV_SET_TDI_STATE): RUN or UNLOCKED. */
  guestRequest(vm: VmId, tdi: Bdf, change: TdiStateChange): FwResult {
    const vdevId = this.fw.vdev(tdi)?.vdevId;
    if (vdevId === undefined) return fail('-ENODEV', `${tdi} has no VDEV`);
    const state = change === 'RUN' ? 'RUN' : 'UNLOCKED';
    return this.rsi.hostCall('RHI_DA_VDEV_SET_TDI_STATE', { vdevId, state }, () => this.tracer.as('tsm', () => this.exits.setTdiState(vm, vdevId, state)));
  }

  view(): TsmView {
    const s = this.fw.state;
    const endpoints = Object.values(s.pdevs).filter((p) => p.category === 'ENDPOINT');
    return {
      sessions: endpoints.map((p) => p.id),
      ideStreams: endpoints.flatMap((p) => Object.values(p.streams).map((x) => ({ dsm: p.id, streamId: x.ideStreamId }))),
      tdis: Object.values(s.vdevs).map((v) => ({ tdi: v.tdi, vm: v.realm })),
      vms: Object.keys(s.realms),
    };
  }
}
