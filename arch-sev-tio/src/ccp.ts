import {
  type Bdf,
  DEVICE_LINK,
  type DeviceLink,
  DoeDataObjectType,
  type FwErr,
  type FwResult,
  LockInterfaceFlag,
  OK,
  PCI_DOE_VENDOR_ID_PCISIG,
  RANDOM,
  type SeededRandom,
  TRACER,
  type TdiStateChange,
  type Tracer,
  type VmId,
  decodeDoe,
  decodeWith,
  doeDiscoveryRequestCodec,
  doeDiscoveryResponseCodec,
  encodeDoe,
  encodeWith,
  fail,
  ok,
  parseBdf,
  toHex,
} from '@teeio/core';
import { inject, injectable } from 'tsyringe';
import { SVM_VMGEXIT_SEV_TIO_OP, TioOp, type TioOpName } from './codes.js';
import { Psp, type Resume } from './psp.js';
import { extentStart } from './rmp.js';
import { type HostDsm, SevTioFirmware, type SpdmReply, type SpdmRequest, type TioStatus } from './state.js';

/** The kernel's errors, negative errno as dmesg prints them. */
export const Errno = { EBUSY: '-EBUSY', EINVAL: '-EINVAL', ENXIO: '-ENXIO', ENODEV: '-ENODEV', ENOENT: '-ENOENT', EIO: '-EIO' } as const;

/**
 * The LOCK flags the host binds with [TEEIO]: no firmware update while locked, MSI-X locked, and
 * the two values the firmware insists on (ALL_REQUEST_REDIRECT=1; BIND_P2P=0 and 64-byte cache
 * lines by leaving them clear). The default simulated device supports all five TDISP flags.
 */
export const HOST_LOCK_FLAGS = LockInterfaceFlag.NO_FW_UPDATE | LockInterfaceFlag.LOCK_MSIX | LockInterfaceFlag.ALL_REQUEST_REDIRECT;

/** The root port's LNKCAP port number TIO_DEV_CREATE gets: one root port per device here [TEEIO]. */
const ROOT_PORT_ID = 0;
/** The selective IDE stream the host allocates: the device's only one [TEEIO]. */
const STREAM_ID = 0;
/** A command is re-issued at most this often (one round per device exchange). */
const MAX_ROUNDS = 256;

const DOE_TYPE_NAMES = new Map<number, string>(Object.entries(DoeDataObjectType).map(([k, v]) => [v, k]));

/**
 * The host's SEV-TIO driver (drivers/crypto/ccp/sev-dev-tio.c and sev-dev-tsm.c): it issues the
 * PSP commands in the orders of the reference, carries the PSP's DOE requests to the device
 * (pci_doe() on PF0's mailbox) and re-issues the command with the response (sev_tio_continue),
 * grows the buffers on SEV_RET_EXPAND_BUFFER_LENGTH_REQUEST (sla_expand), and owns the RMP
 * clean-up at unbind. Every teardown part is done once, so a retried teardown resumes it.
 */
@injectable()
export class SevTioHost {
  constructor(
    @inject(Psp) readonly psp: Psp,
    @inject(SevTioFirmware) private readonly fw: SevTioFirmware,
    @inject(DEVICE_LINK) private readonly link: DeviceLink,
    @inject(TRACER) private readonly tracer: Tracer,
    @inject(RANDOM) private readonly random: SeededRandom,
  ) {}

  private get h() {
    return this.fw.state.host;
  }

  /** A host-side action in the trace (not a firmware call): the driver's own work. */
  private note(op: string, args: Record<string, string>, result = 'ok'): void {
    this.tracer.record({ actor: 'tsm', op, args, result });
  }

  // ---- the SPDM relay -----------------------------------------------------------------------------------

  /** pci_doe(): one request data object to PF0's mailbox, its answer as the PSP expects it. */
  relay(dsm: Bdf, req: SpdmRequest): FwResult<SpdmReply> {
    switch (req.proto) {
      case 'DOE_DISCOVERY': {
        const payload = encodeWith(doeDiscoveryRequestCodec, { index: req.index, version: 0 });
        const r = this.link.doe(dsm, encodeDoe({ vendorId: PCI_DOE_VENDOR_ID_PCISIG, dataObjectType: DoeDataObjectType.DOE_DISCOVERY, payload }));
        if (!r.ok) {
          this.tracer.record({ actor: 'device', op: 'DOE_DISCOVERY', args: { dsm, index: String(req.index) }, result: r.code });
          return r;
        }
        const d = decodeWith(doeDiscoveryResponseCodec, 'doe', decodeDoe(r.value).message.payload).message;
        this.tracer.record({ actor: 'device', op: 'DOE_DISCOVERY', args: { dsm, index: String(req.index) }, result: `${DOE_TYPE_NAMES.get(d.dataObjectType) ?? d.dataObjectType}, next ${d.nextIndex}` });
        return ok({ proto: 'DOE_DISCOVERY', dataObjectType: d.dataObjectType, nextIndex: d.nextIndex });
      }
      case 'IDE_KM': {
        const r = this.link.idekm(dsm, req.message);
        return r.ok ? ok({ proto: 'IDE_KM', message: r.value }) : r.code === Errno.EIO ? r : ok({ proto: 'NONE', error: r.code });
      }
      case 'TDISP': {
        const r = this.link.tdisp(req.tdi, req.message);
        return r.ok ? ok({ proto: 'TDISP', message: r.value }) : r.code === Errno.EIO ? r : ok({ proto: 'NONE', error: r.code });
      }
    }
  }

  /**
   * sev_tio_do_cmd(): issues a command and keeps re-issuing it while the PSP asks for a device
   * exchange or bigger buffers. A failed pci_doe() ends the command (-EIO) unless `tolerant`,
   * when the PSP is told there was no response (a forced teardown carries on without the device).
   */
  private drive<T>(dsm: Bdf, issue: (r: Resume) => FwResult<T>, tolerant = false): FwResult<T> {
    let r = issue({ kind: 'issue' });
    for (let round = 0; !r.ok && round < MAX_ROUNDS; round++) {
      if (r.code === 'SEV_RET_EXPAND_BUFFER_LENGTH_REQUEST') {
        const d = this.h.devices[dsm];
        const needed = this.psp.bufferNeeded(dsm);
        if (!d || needed === undefined) return r;
        this.note('sla_expand', { dsm, output: `0x${d.outputLen.toString(16)} → 0x${needed.toString(16)}`, scratch: `0x${d.scratchLen.toString(16)} → 0x${Math.max(d.scratchLen, needed).toString(16)}` });
        d.outputLen = needed;
        d.scratchLen = Math.max(d.scratchLen, needed);
        r = issue({ kind: 'expanded', outputLen: d.outputLen });
      } else if (r.code === 'SEV_RET_SPDM_REQUEST') {
        const req = this.psp.spdmRequest(dsm);
        if (!req) return r;
        const reply = this.relay(dsm, req);
        if (!reply.ok && !tolerant) return reply;
        r = issue({ kind: 'reply', reply: reply.ok ? reply.value : { proto: 'NONE', error: reply.code } });
      } else return r;
    }
    return r;
  }

  private outputLen(dsm: Bdf): number {
    return this.h.devices[dsm]?.outputLen ?? 0;
  }

  // ---- platform and device -------------------------------------------------------------------------------

  /** sev_tio_status(): TIO_STATUS, and TIO_INIT then TIO_STATUS again if TIO is enabled but not initialised. */
  ensureTio(): FwResult<TioStatus> {
    if (this.h.tio) return ok(this.h.tio);
    let st = this.psp.tioStatus();
    if (!st.ok) return st;
    if (!st.value.tioEn && !st.value.tioInitDone) return fail(Errno.ENOENT, 'SEV-TIO is disabled: check BIOS for SEV-TIO Support, PCIE IDE Capability');
    if (!st.value.tioInitDone) {
      const init = this.psp.tioInit();
      if (!init.ok) return init;
      st = this.psp.tioStatus();
      if (!st.ok) return st;
    }
    this.h.tio = st.value;
    return st;
  }

  /**
   * dsm_connect (upstream): stream_alloc → TIO_DEV_CREATE → streams_setup → TIO_DEV_CONNECT (DOE
   * relay) → streams_enable → streams_register; then TIO_DEV_MEASUREMENTS with a nonce (AMDESE)
   * and TIO_DEV_CERTIFICATES (RFC v1), and TIO_DEV_STATUS to check the context is connected. Any
   * failure after TIO_DEV_CREATE tears down what was done.
   */
  connect(dsm: Bdf): FwResult {
    const status = this.ensureTio();
    if (!status.ok) return status;
    const id = parseBdf(dsm);
    if (!id) return fail(Errno.EINVAL, `bad BDF ${dsm}`);
    if (this.h.devices[dsm]) return fail(Errno.EBUSY, `${dsm} has a device context`);
    this.note('pci_ide_stream_alloc', { dsm, stream: String(STREAM_ID) });
    const created = this.psp.devCreate(dsm, id.requesterId, ROOT_PORT_ID, id.segment);
    if (!created.ok) {
      this.note('pci_ide_stream_free', { dsm, stream: String(STREAM_ID) });
      return created;
    }
    const d: HostDsm = { outputLen: status.value.spdmOutSizeMin, scratchLen: status.value.spdmScratchSizeMin, streamId: STREAM_ID, phase: 'created' };
    this.h.devices[dsm] = d;
    this.note('pci_ide_stream_setup', { dsm, endpoint: 'RID range, TEE-limited', 'root port': 'CFG, default stream' });
    const conn = this.drive(dsm, (r) => this.psp.devConnect(dsm, { tcMask: 1, certSlot: 0, ideStreamIds: [STREAM_ID], outputLen: d.outputLen }, r));
    if (!conn.ok) return this.abortConnect(dsm, conn);
    d.phase = 'connected';
    // PCIe r7.0 §6.33.8: the endpoint's stream is enabled before the root port's [REF §1].
    this.note('pci_ide_stream_enable', { dsm, order: 'endpoint, then root port' });
    this.note('pci_ide_stream_register', { dsm, stream: String(STREAM_ID) });
    const meas = this.drive(dsm, (r) => this.psp.devMeasurements(dsm, this.random.bytes(32), this.outputLen(dsm), r));
    if (!meas.ok) return this.abortConnect(dsm, meas);
    const certs = this.drive(dsm, (r) => this.psp.devCertificates(dsm, this.outputLen(dsm), r));
    if (!certs.ok) return this.abortConnect(dsm, certs);
    const st = this.psp.devStatus(dsm);
    if (!st.ok) return this.abortConnect(dsm, st);
    if (st.value.ctxState !== 'CONNECTED') return this.abortConnect(dsm, fail(Errno.EIO, `device context is ${st.value.ctxState}`));
    return OK;
  }

  private abortConnect(dsm: Bdf, why: FwErr): FwErr {
    this.teardownDevice(dsm, false);
    return why;
  }

  /**
   * tsm disconnect: refused while TDIs are bound (-EBUSY, tsm-host.c `if (tdev->bound)` [REF §1]);
   * otherwise TIO_DEV_DISCONNECT (retried with force), TIO_DEV_RECLAIM, then the IDE streams are
   * disabled, unregistered and freed.
   */
  disconnect(dsm: Bdf, force: boolean): FwResult {
    const bound = Object.entries(this.h.tdis).filter(([, t]) => t.dsm === dsm);
    if (bound.length > 0 && this.fw.enforces('host-disconnect-requires-no-bound-tdi')) return fail(Errno.EBUSY, `${bound.map(([b]) => b).join(', ')} still bound to a TSM context of ${dsm}`);
    return this.teardownDevice(dsm, force);
  }

  private teardownDevice(dsm: Bdf, force: boolean): FwResult {
    const d = this.h.devices[dsm];
    if (!d) return OK;
    if (d.phase !== 'disconnected') {
      let r = this.drive(dsm, (rs) => this.psp.devDisconnect(dsm, force, rs));
      if (!r.ok && !force) r = this.drive(dsm, (rs) => this.psp.devDisconnect(dsm, true, rs), true);
      if (!r.ok) return r;
      d.phase = 'disconnected';
    }
    const rec = this.psp.devReclaim(dsm);
    if (!rec.ok) return rec;
    this.note('pci_ide_stream_disable', { dsm, order: 'root port, then endpoint' });
    this.note('pci_ide_stream_unregister', { dsm, stream: String(d.streamId) });
    this.note('pci_ide_stream_free', { dsm, stream: String(d.streamId) });
    delete this.h.devices[dsm];
    return OK;
  }

  // ---- TDI --------------------------------------------------------------------------------------

  private gctxOf(vm: VmId): string | undefined {
    return this.fw.guestOf(vm)?.gctx;
  }

  /**
   * tdi_bind (AMDESE): TIO_TDI_CREATE, TIO_TDI_BIND(run=0) with the guest BDF and guest context
   * as the TDI's identity (the report is saved), TIO_TDI_STATUS (CONFIG_LOCKED). A failure
   * unbinds and reclaims what was made.
   */
  bind(tdi: Bdf, vm: VmId, guestRid: number): FwResult<Uint8Array> {
    const dsm = this.link.dsmOf(tdi);
    if (this.h.devices[dsm]?.phase !== 'connected' && this.fw.enforces('host-bind-requires-connected')) return fail(Errno.ENXIO, `${dsm} is not connected`);
    const gctx = this.gctxOf(vm);
    if (!gctx) return fail(Errno.EINVAL, `${vm} has no SNP guest context`);
    if (this.h.tdis[tdi]) return fail(Errno.EBUSY, `${tdi} is bound`);
    const created = this.psp.tdiCreate(dsm, tdi);
    if (!created.ok) return created;
    const t = (this.h.tdis[tdi] = { dsm, vm, guestRid, phase: 'created', ran: false });
    const b = this.drive(dsm, (r) => this.psp.tdiBind(dsm, tdi, { gctx, guestDeviceId: guestRid, lockFlags: HOST_LOCK_FLAGS, run: false, outputLen: this.outputLen(dsm) }, r));
    if (!b.ok) return this.abortBind(tdi, b);
    Object.assign(t, { phase: 'bound', report: toHex(b.value) });
    const st = this.drive(dsm, (r) => this.psp.tdiStatus(dsm, tdi, r));
    if (!st.ok) return this.abortBind(tdi, st);
    if (st.value !== 'CONFIG_LOCKED') return this.abortBind(tdi, fail(Errno.EIO, `${tdi} is ${st.value} after TIO_TDI_BIND`));
    return ok(b.value);
  }

  /** The bind failed half way: ask the PSP where the TDI got to and undo it. */
  private abortBind(tdi: Bdf, why: FwErr): FwErr {
    const t = this.h.tdis[tdi];
    if (!t) return why;
    const info = this.psp.tdiInfo(t.dsm, tdi);
    if (info.ok && info.value.status !== 'UNBOUND') this.unbindTdi(tdi);
    if (this.psp.tdiReclaim(t.dsm, tdi).ok) delete this.h.tdis[tdi];
    return why;
  }

  /** TIO_TDI_UNBIND, retried with TIO_TDI_UNBIND_FLAG_FORCE [REF §1 unbind order 1]. */
  private unbindTdi(tdi: Bdf): FwResult {
    const t = this.h.tdis[tdi];
    const gctx = t && this.gctxOf(t.vm);
    if (!t || !gctx) return fail(Errno.ENODEV, `${tdi} has no binding`);
    const r = this.drive(t.dsm, (rs) => this.psp.tdiUnbind(t.dsm, tdi, gctx, false, rs));
    return r.ok ? r : this.drive(t.dsm, (rs) => this.psp.tdiUnbind(t.dsm, tdi, gctx, true, rs), true);
  }

  /**
   * TSM stop: TIO_TDI_UNBIND (retried with FORCE), then TIO_TDI_STATUS to verify CONFIG_UNLOCKED
   * (a TDI left locked after a forced unbind is reported, not fatal: nothing more can be done).
   */
  stop(tdi: Bdf): FwResult {
    const t = this.h.tdis[tdi];
    if (!t || t.phase !== 'bound') return OK;
    const u = this.unbindTdi(tdi);
    if (!u.ok) return u;
    t.phase = 'stopped';
    const st = this.drive(t.dsm, (r) => this.psp.tdiStatus(t.dsm, tdi, r));
    if (!st.ok || st.value !== 'CONFIG_UNLOCKED') this.note('dev_warn: TDI not CONFIG_UNLOCKED after TIO_TDI_UNBIND', { tdi }, st.ok ? st.value : st.code);
    return OK;
  }

  /**
   * TSM unbind, the rest of the reference's order: TIO_TDI_RECLAIM; TIO_ASID_FENCE_STATUS, then
   * TIO_ASID_FENCE_CLEAR if fenced and the TDI had run; rmp_make_shared() on every BAR page the
   * TDI's guest had (the CCP driver clears the RMP; KVM's mapping goes with its memslot).
   */
  unbind(tdi: Bdf): FwResult {
    const t = this.h.tdis[tdi];
    if (!t) return OK;
    if (t.phase === 'bound') {
      const s = this.stop(tdi);
      if (!s.ok) return s;
    }
    if (t.phase !== 'reclaimed') {
      const rc = this.psp.tdiReclaim(t.dsm, tdi);
      if (!rc.ok) return rc;
      t.phase = 'reclaimed';
    }
    const guest = this.fw.guestOf(t.vm);
    if (guest) {
      const fenced = this.psp.asidFenceStatus(t.dsm, guest.asid);
      if (!fenced.ok) return fenced;
      if (fenced.value && t.ran) {
        const clear = this.psp.asidFenceClear(t.dsm, guest.gctx);
        if (!clear.ok) return clear;
      }
    }
    const cleared = this.fw.enforces('host-unbind-makes-rmp-shared') ? this.fw.state.rmp.filter((x) => x.tdi === tdi) : [];
    for (const e of cleared) {
      const r = this.psp.rmpMakeShared(extentStart(e), e.pages, 'rmp_make_shared at unbind');
      if (!r.ok) return r;
    }
    delete this.h.tdis[tdi];
    delete this.h.blobs[tdi];
    return OK;
  }

  /**
   * The guest's SVM_VMGEXIT_SEV_TIO_OP. RUN (tdi_run): TIO_TDI_STATUS, then TIO_TDI_BIND(RUN_FORCE)
   * if the TDI is CONFIG_LOCKED, and the report is saved again. UNBIND: the host stops the TDI.
   */
  guestOp(vm: VmId, tdi: Bdf, change: TdiStateChange): FwResult {
    const t = this.h.tdis[tdi];
    const action: TioOpName = change === 'RUN' ? 'RUN' : 'UNBIND';
    this.tracer.record({
      actor: 'kvm',
      op: `SVM_VMGEXIT_SEV_TIO_OP ${action}`,
      args: { exit: `0x${SVM_VMGEXIT_SEV_TIO_OP.toString(16)}`, exitinfo1: `0x${((BigInt(TioOp[action]) << 32n) | BigInt(t?.guestRid ?? 0)).toString(16)}`, tdi },
      result: t && t.vm === vm ? 'ok' : Errno.EINVAL,
    });
    if (!t || t.vm !== vm) return fail(Errno.EINVAL, `${tdi} is not bound to ${vm}`);
    // KVM exits to the host, which carries out the guest's request.
    return this.tracer.as('kvm', () => (change === 'UNLOCK' ? this.stop(tdi) : this.run(vm, tdi)));
  }

  private run(vm: VmId, tdi: Bdf): FwResult {
    const t = this.h.tdis[tdi];
    if (!t || t.phase !== 'bound') return fail(Errno.EINVAL, `${tdi} is not bound`);
    const st = this.drive(t.dsm, (r) => this.psp.tdiStatus(t.dsm, tdi, r));
    if (!st.ok) return st;
    if (st.value === 'RUN') return OK;
    if (st.value !== 'CONFIG_LOCKED' && this.fw.enforces('host-run-requires-config-locked')) return fail(Errno.EIO, `${tdi} is ${st.value}`);
    const gctx = this.gctxOf(vm) ?? '';
    const b = this.drive(t.dsm, (r) => this.psp.tdiBind(t.dsm, tdi, { gctx, guestDeviceId: t.guestRid, lockFlags: HOST_LOCK_FLAGS, run: true, outputLen: this.outputLen(t.dsm) }, r));
    if (!b.ok) return b;
    Object.assign(t, { ran: true, report: toHex(b.value) });
    return OK;
  }

  /**
   * What the host puts in the guest's blob table: TIO_DEV_CERTIFICATES, TIO_DEV_MEASUREMENTS with
   * a fresh nonce, TIO_TDI_REPORT (keyed TIO_GUID_CERTIFICATES/MEASUREMENTS/REPORT [REF §2]).
   */
  fillBlobTable(vm: VmId, tdi: Bdf): FwResult {
    const t = this.h.tdis[tdi];
    const gctx = this.gctxOf(vm);
    if (!t || t.vm !== vm || !gctx) return fail(Errno.EINVAL, `${tdi} is not bound to ${vm}`);
    const certs = this.drive(t.dsm, (r) => this.psp.devCertificates(t.dsm, this.outputLen(t.dsm), r));
    if (!certs.ok) return certs;
    const meas = this.drive(t.dsm, (r) => this.psp.devMeasurements(t.dsm, this.random.bytes(32), this.outputLen(t.dsm), r));
    if (!meas.ok) return meas;
    const report = this.drive(t.dsm, (r) => this.psp.tdiReport(t.dsm, tdi, gctx, this.outputLen(t.dsm), r));
    if (!report.ok) return report;
    this.h.blobs[tdi] = { certificates: toHex(certs.value), measurements: toHex(meas.value), interfaceReport: toHex(report.value) };
    return OK;
  }

  /** The guest's MMIO_CONFIG request, carried like the other guest requests. */
  mmioConfig(vm: VmId, tdi: Bdf, rangeId: number, write?: boolean): FwResult<{ nonTee: boolean }> {
    const t = this.h.tdis[tdi];
    const gctx = this.gctxOf(vm);
    if (!t || t.vm !== vm || !gctx) return fail(Errno.ENODEV, `${tdi} is not assigned to ${vm}`);
    return this.drive(t.dsm, (r) => this.psp.mmioConfig(t.dsm, tdi, gctx, rangeId, write, r));
  }

  /** The TDI's context as KVM routes a guest request: DSM and guest context, if it is the VM's. */
  route(vm: VmId, tdi: Bdf): { dsm: Bdf; gctx: string } | undefined {
    const t = this.h.tdis[tdi];
    const gctx = this.gctxOf(vm);
    return t && t.vm === vm && gctx ? { dsm: t.dsm, gctx } : undefined;
  }
}

