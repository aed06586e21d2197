import { type Bdf, type FwResult, OK, type VmId, inject, injectable, teeRanges, toHex } from '@teeio/core';
import { STATUS } from '../codes.js';
import { FirmwareModel } from './firmware.js';
import { Interfaces } from './interfaces.js';
import type { InterfaceRecord } from './state.js';

/** How much of the interface report one GET_DEVICE_INTERFACE_REPORT asks for. */
const REPORT_PORTION = 0x400;

/**
 * The TSM's interface calls [cove-io]: the host's COVH add_tvm_interface_region,
 * bind_interface (CONFIG_LOCKED) and unbind_interface; the TVM's COVG start_interface (RUN)
 * and stop_interface. The host's STOP before unbind is COVH.STOP_INTERFACE in the trace.
 */
@injectable()
export class TdiCalls {
  constructor(
    @inject(FirmwareModel) private readonly fw: FirmwareModel,
    @inject(Interfaces) private readonly interfaces: Interfaces,
  ) {}

  /** COVH add_tvm_interface_region: the TVM's MMIO region for the interface, before bind [cove-io]. */
  addRegion(tdi: Bdf, vm: VmId): FwResult {
    return this.fw.call('COVH.ADD_TVM_INTERFACE_REGION', { tdi, vm }, () => {
      if (!this.fw.state.vms.includes(vm)) return FirmwareModel.fail(STATUS.INVALID_PARAM, `${vm}: no such TVM`);
      this.fw.state.regions[tdi] = vm;
      return OK;
    });
  }

  /** COVH bind_interface: TDISP LOCK (CONFIG_LOCKED), then the interface report, which it returns. */
  bind(tdi: Bdf, vm: VmId, guestRid: number): FwResult<Uint8Array> {
    return this.fw.call('COVH.BIND_INTERFACE', { tdi, vm, guestRid }, () => {
      const refused = this.bindRefusal(tdi, vm);
      if (refused) return refused;
      const locked = this.interfaces.send(tdi, { messageType: 'LOCK_INTERFACE_REQUEST', flags: 0, defaultStreamId: 0, mmioReportingOffset: 0n, bindP2pAddressMask: 0n }, 'LOCK_INTERFACE_RESPONSE');
      if (!locked.ok) return locked;
      const report = this.readReport(tdi);
      // A bind that fails leaves nothing: the host saw no bind, so it will not unbind (TDISP STOP
      // undoes the LOCK, legal in every state [linux-tsm §4]).
      if (!report.ok) {
        this.interfaces.stop(tdi);
        return report;
      }
      const ranges = teeRanges(report.value, guestRid).map((r) => ({ rangeIndex: r.rangeIndex, rangeId: r.rangeId, gpa: r.gpa.toString(16), hpa: r.hpa.toString(16), pages: r.pages }));
      const nonce = toHex(locked.value.startInterfaceNonce);
      this.fw.state.tdis[tdi] = { vm, guestRid, state: 'LOCKED', nonce, report: toHex(report.value), ranges, evidence: false };
      return report;
    });
  }

  private bindRefusal(tdi: Bdf, vm: VmId): FwResult<never> | undefined {
    if (!this.fw.state.vms.includes(vm)) return FirmwareModel.fail(STATUS.INVALID_PARAM, `${vm}: no such TVM`);
    if (this.interfaces.get(tdi)) return FirmwareModel.fail(STATUS.ALREADY_AVAILABLE, `${tdi}: already bound`);
    if (this.fw.enforces('bind-requires-connected') && !this.fw.state.sessions.includes(this.interfaces.dsmOf(tdi))) {
      return FirmwareModel.fail(STATUS.INVALID_STATE, `${tdi}: its device is not connected`);
    }
    if (this.fw.enforces('bind-requires-region') && this.fw.state.regions[tdi] !== vm) {
      return FirmwareModel.fail(STATUS.INVALID_STATE, `${tdi}: no MMIO region added for ${vm}`);
    }
    return undefined;
  }

  /** The report in portions: GET_DEVICE_INTERFACE_REPORT until nothing remains. */
  private readReport(tdi: Bdf): FwResult<Uint8Array> {
    const parts: Uint8Array[] = [];
    for (let offset = 0, remaining = 1; remaining > 0; ) {
      const got = this.interfaces.send(tdi, { messageType: 'GET_DEVICE_INTERFACE_REPORT', offset, length: REPORT_PORTION }, 'DEVICE_INTERFACE_REPORT');
      if (!got.ok) return got;
      parts.push(got.value.portion);
      offset += got.value.portion.length;
      remaining = got.value.remainderLength;
    }
    return { ok: true, value: Buffer.concat(parts) };
  }

  /** The host's TDISP STOP before unbind_interface (v0.1 names no COVH stop: the model's name). */
  stop(tdi: Bdf): FwResult {
    return this.fw.call('COVH.STOP_INTERFACE', { tdi }, () => this.interfaces.stop(tdi));
  }

  /** COVH unbind_interface: frees the interface; CONFIG_UNLOCKED and unmapped first. */
  unbind(tdi: Bdf): FwResult {
    return this.fw.call('COVH.UNBIND_INTERFACE', { tdi }, () => {
      const record = this.interfaces.get(tdi);
      if (!record) return FirmwareModel.fail(STATUS.INVALID_PARAM, `${tdi}: not bound`);
      if (this.fw.enforces('unbind-requires-stopped') && record.state !== 'UNLOCKED') {
        return FirmwareModel.fail(STATUS.INVALID_STATE, `${tdi}: ${record.state}, not stopped`);
      }
      if (this.fw.enforces('unbind-requires-unmapped') && this.fw.state.mappings.some((m) => m.tdi === tdi)) {
        return FirmwareModel.fail(STATUS.DENIED, `${tdi}: MMIO still mapped in ${record.vm}`);
      }
      this.interfaces.release(tdi);
      return OK;
    });
  }

  /** COVG start_interface: TDISP START with the LOCK's nonce; RUN [cove-io]. */
  start(vm: VmId, tdi: Bdf): FwResult {
    return this.fw.call('COVG.START_INTERFACE', { vm, tdi }, () => {
      const record = this.ownedBy(vm, tdi);
      if (!record.ok) return record;
      const { value } = record;
      if (value.state !== 'LOCKED') return FirmwareModel.fail(STATUS.INVALID_STATE, `${tdi}: ${value.state}, not CONFIG_LOCKED`);
      const accepted = this.fw.state.mappings.filter((m) => m.tdi === tdi && m.accepted).length;
      if (this.fw.enforces('start-requires-mapped') && accepted < value.ranges.length) {
        return FirmwareModel.fail(STATUS.INVALID_STATE, `${tdi}: ${accepted} of ${value.ranges.length} ranges mapped by the TVM`);
      }
      const started = this.interfaces.send(tdi, { messageType: 'START_INTERFACE_REQUEST', startInterfaceNonce: Buffer.from(value.nonce, 'hex') }, 'START_INTERFACE_RESPONSE');
      if (!started.ok) return started;
      value.state = 'RUN';
      return OK;
    });
  }

  /** COVG stop_interface: the TVM leaves RUN (TDISP STOP) [cove-io]. */
  guestStop(vm: VmId, tdi: Bdf): FwResult {
    return this.fw.call('COVG.STOP_INTERFACE', { vm, tdi }, () => {
      const record = this.ownedBy(vm, tdi);
      return record.ok ? this.interfaces.stop(tdi) : record;
    });
  }

  /** The interface, when it is bound to `vm` (a TVM reaches only its own interfaces). */
  ownedBy(vm: VmId, tdi: Bdf): FwResult<InterfaceRecord> {
    const record = this.interfaces.get(tdi);
    if (!record || record.vm !== vm) return FirmwareModel.fail(STATUS.INVALID_PARAM, `${tdi}: not bound to ${vm}`);
    return { ok: true, value: record };
  }
}
