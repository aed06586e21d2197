import {
  type Bdf,
  DEVICE_LINK,
  type DeviceLink,
  FIRMWARE_CALLS,
  type FirmwareCalls,
  type FwResult,
  IDE_DIRECTIONS,
  IDE_SUB_STREAMS,
  IdeSubStream,
  LockInterfaceFlag,
  OK,
  RANDOM,
  type SeededRandom,
  type TdiStateChange,
  type TsmPort,
  type TsmView,
  type VmId,
  fail,
  fromHex,
  interfaceIdOfBdf,
  ok,
  sha384,
  toHex,
} from '@teeio/core';
import { inject, injectable } from 'tsyringe';
import { DevsecFirmware } from './firmware.js';

const STREAM_ID = 0;

/** The devsec link TSM: the reference IDE flow at connect, TDISP LOCK/START/STOP for the rest. */
@injectable()
export class DevsecTsm implements TsmPort {
  constructor(
    @inject(FIRMWARE_CALLS) private readonly calls: FirmwareCalls,
    @inject(DEVICE_LINK) private readonly link: DeviceLink,
    @inject(RANDOM) private readonly random: SeededRandom,
    @inject(DevsecFirmware) private readonly fw: DevsecFirmware,
  ) {}

  private get s() {
    return this.fw.state;
  }

  createVm(vm: VmId): FwResult {
    return this.calls.call('DEVSEC.VM_CREATE', { vm }, () => {
      this.s.vms.push(vm);
      return OK;
    });
  }

  destroyVm(vm: VmId): FwResult {
    return this.calls.call('DEVSEC.VM_DESTROY', { vm }, () => {
      this.s.vms = this.s.vms.filter((v) => v !== vm);
      return OK;
    });
  }

  /** IDE_KM: program K0 on every direction and sub-stream of stream 0, then GO: the stream is secure. */
  connect(dsm: Bdf): FwResult {
    return this.calls.call('DEVSEC.CONNECT', { dsm }, () => {
      const q = this.link.idekm(dsm, { objectId: 'QUERY', portIndex: 0 });
      if (!q.ok) return q;
      for (const direction of IDE_DIRECTIONS)
        for (const sub of IDE_SUB_STREAMS) {
          const keySubStream = { keySet: 'K0' as const, direction, subStream: IdeSubStream[sub] };
          const key = this.random.bytes(32);
          const kp = this.link.idekm(dsm, { objectId: 'KEY_PROG', streamId: STREAM_ID, keySubStream, portIndex: 0, key, ifv: new Uint8Array(8) });
          if (!kp.ok) return kp;
          const go = this.link.idekm(dsm, { objectId: 'K_SET_GO', streamId: STREAM_ID, keySubStream, portIndex: 0 });
          if (!go.ok) return go;
        }
      this.s.sessions.push(dsm);
      this.s.streams.push({ dsm, streamId: STREAM_ID });
      this.s.evidence[dsm] = { certificates: toHex(this.random.bytes(64)), measurements: toHex(this.random.bytes(48)) };
      return OK;
    });
  }

  /**
   * Refused while a TDI of the DSM is bound, unless forced: the kernel unbinds every TDI before
   * it disconnects (pci_tsm_unbind_all), and a session torn down under a bound TDI would leave it
   * locked with no stream.
   */
  disconnect(dsm: Bdf, force: boolean): FwResult {
    return this.calls.call('DEVSEC.DISCONNECT', { dsm, force }, () => {
      const bound = Object.keys(this.s.tdis).filter((tdi) => this.link.dsmOf(tdi) === dsm);
      if (bound.length > 0 && !force) return fail('DEVSEC_TDI_BOUND', `${dsm} still has bound TDIs: ${bound.join(', ')}`);
      this.s.sessions = this.s.sessions.filter((d) => d !== dsm);
      this.s.streams = this.s.streams.filter((x) => x.dsm !== dsm);
      return OK;
    });
  }

  /** LOCK with the reference flags, then the report in portions. */
  bind(tdi: Bdf, vm: VmId, guestRid: number): FwResult<Uint8Array> {
    return this.calls.call('DEVSEC.BIND', { tdi, vm, guestRid }, () => {
      const interfaceId = interfaceIdOfBdf(tdi);
      const lock = this.link.tdisp(tdi, {
        version: 0x10,
        messageType: 'LOCK_INTERFACE_REQUEST',
        interfaceId,
        flags: LockInterfaceFlag.NO_FW_UPDATE,
        defaultStreamId: STREAM_ID,
        mmioReportingOffset: 0n,
        bindP2pAddressMask: 0n,
      });
      if (!lock.ok) return lock;
      if (lock.value.messageType !== 'LOCK_INTERFACE_RESPONSE') return fail('DEVSEC_LOCK_FAILED', lock.value.messageType);
      const report = this.readReport(tdi);
      if (!report.ok) {
        // The host binds nothing on a failed bind, so nothing would ever unlock this TDI.
        this.stopInterface(tdi);
        return report;
      }
      const nonce = lock.value.startInterfaceNonce;
      this.s.tdis[tdi] = { vm, guestRid, report: toHex(report.value), nonce: toHex(nonce), freshness: sha384(nonce).slice(0, 32) };
      return ok(report.value);
    });
  }

  private readReport(tdi: Bdf): FwResult<Uint8Array> {
    const parts: Uint8Array[] = [];
    let offset = 0;
    for (;;) {
      const r = this.link.tdisp(tdi, { version: 0x10, messageType: 'GET_DEVICE_INTERFACE_REPORT', interfaceId: interfaceIdOfBdf(tdi), offset, length: 0xffff });
      if (!r.ok) return r;
      if (r.value.messageType !== 'DEVICE_INTERFACE_REPORT') return fail('DEVSEC_REPORT_FAILED', r.value.messageType);
      parts.push(r.value.portion);
      offset += r.value.portion.length;
      if (r.value.remainderLength === 0) break;
    }
    // `offset` has summed the portions: one copy of each, not an array of every byte.
    const report = new Uint8Array(offset);
    let at = 0;
    for (const p of parts) {
      report.set(p, at);
      at += p.length;
    }
    return ok(report);
  }

  stop(tdi: Bdf): FwResult {
    return this.calls.call('DEVSEC.STOP', { tdi }, () => {
      const r = this.stopInterface(tdi);
      if (!r.ok) return r;
      const t = this.s.tdis[tdi];
      if (t) delete t.nonce;
      return OK;
    });
  }

  private stopInterface(tdi: Bdf) {
    return this.link.tdisp(tdi, { version: 0x10, messageType: 'STOP_INTERFACE_REQUEST', interfaceId: interfaceIdOfBdf(tdi) });
  }

  unbind(tdi: Bdf): FwResult {
    return this.calls.call('DEVSEC.UNBIND', { tdi }, () => {
      delete this.s.tdis[tdi];
      this.s.registered = this.s.registered.filter((t) => t !== tdi);
      return OK;
    });
  }

  guestRequest(vm: VmId, tdi: Bdf, change: TdiStateChange): FwResult {
    return this.calls.call('DEVSEC.GUEST_REQ', { vm, tdi, change }, () => {
      const t = this.s.tdis[tdi];
      if (!t || t.vm !== vm) return fail('DEVSEC_NOT_BOUND', `${tdi} is not bound to ${vm}`);
      if (change === 'UNLOCK') return this.stop(tdi);
      if (!t.nonce) return fail('DEVSEC_NO_NONCE', 'the TDI is not locked');
      const r = this.link.tdisp(tdi, { version: 0x10, messageType: 'START_INTERFACE_REQUEST', interfaceId: interfaceIdOfBdf(tdi), startInterfaceNonce: fromHex(t.nonce) });
      if (!r.ok) return r;
      return r.value.messageType === 'START_INTERFACE_RESPONSE' ? OK : fail('DEVSEC_START_FAILED', r.value.messageType);
    });
  }

  view(): TsmView {
    return {
      sessions: [...this.s.sessions],
      ideStreams: this.s.streams.map((x) => ({ ...x })),
      tdis: Object.entries(this.s.tdis).map(([tdi, t]) => ({ tdi, vm: t.vm })),
      vms: [...this.s.vms],
    };
  }
}
