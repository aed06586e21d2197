import { type Bdf, type FwResult, OK, RANDOM, type SeededRandom, TRACER, type TdiStateChange, type Tracer, type VmId, fail, toHex } from '@teeio/core';
import { inject, injectable } from 'tsyringe';
import { SVM_VMGEXIT_SEV_TIO_OP, TioOp, type TioOpName } from '../codes.js';
import { SevTioFirmware } from '../firmware/state.js';
import { HOST_LOCK_FLAGS, SevTioHost } from './ccp.js';
import { Errno } from './errno.js';

/**
 * KVM's SEV-TIO side: the guest's SVM_VMGEXIT_SEV_TIO_OP (phase 2) and the guest requests the
 * hypervisor carries, each done through the CCP driver's command loop [REF §2 "Guest↔host
 * transport", "Who triggers LOCK and START"]: RUN at the guest's request (RUN at attest), the
 * blob table in shared guest pages, MMIO_CONFIG.
 */
@injectable()
export class SevTioKvm {
  constructor(
    @inject(SevTioHost) private readonly host: SevTioHost,
    @inject(SevTioFirmware) private readonly fw: SevTioFirmware,
    @inject(TRACER) private readonly tracer: Tracer,
    @inject(RANDOM) private readonly random: SeededRandom,
  ) {}

  private get h() {
    return this.fw.state.host;
  }

  private gctxOf(vm: VmId): string | undefined {
    return this.fw.guestOf(vm)?.gctx;
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
    return this.tracer.as('kvm', () => (change === 'UNLOCK' ? this.host.stop(tdi) : this.run(vm, tdi)));
  }

  private run(vm: VmId, tdi: Bdf): FwResult {
    const t = this.h.tdis[tdi];
    if (!t || t.phase !== 'bound') return fail(Errno.EINVAL, `${tdi} is not bound`);
    const st = this.host.drive(t.dsm, (r) => this.host.psp.tdiStatus(t.dsm, tdi, r));
    if (!st.ok) return st;
    if (st.value === 'RUN') return OK;
    if (st.value !== 'CONFIG_LOCKED' && this.fw.enforces('host-run-requires-config-locked')) return fail(Errno.EIO, `${tdi} is ${st.value}`);
    const gctx = this.gctxOf(vm) ?? '';
    const b = this.host.drive(t.dsm, (r) => this.host.psp.tdiBind(t.dsm, tdi, { gctx, guestDeviceId: t.guestRid, lockFlags: HOST_LOCK_FLAGS, run: true, outputLen: this.host.outputLen(t.dsm) }, r));
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
    const certs = this.host.drive(t.dsm, (r) => this.host.psp.devCertificates(t.dsm, this.host.outputLen(t.dsm), r));
    if (!certs.ok) return certs;
    const meas = this.host.drive(t.dsm, (r) => this.host.psp.devMeasurements(t.dsm, this.random.bytes(32), this.host.outputLen(t.dsm), r));
    if (!meas.ok) return meas;
    const report = this.host.drive(t.dsm, (r) => this.host.psp.tdiReport(t.dsm, tdi, gctx, this.host.outputLen(t.dsm), r));
    if (!report.ok) return report;
    this.h.blobs[tdi] = { certificates: toHex(certs.value), measurements: toHex(meas.value), interfaceReport: toHex(report.value) };
    return OK;
  }

  /** The guest's MMIO_CONFIG request, carried like the other guest requests. */
  mmioConfig(vm: VmId, tdi: Bdf, rangeId: number, write?: boolean): FwResult<{ nonTee: boolean }> {
    const t = this.h.tdis[tdi];
    const gctx = this.gctxOf(vm);
    if (!t || t.vm !== vm || !gctx) return fail(Errno.ENODEV, `${tdi} is not assigned to ${vm}`);
    return this.host.drive(t.dsm, (r) => this.host.psp.mmioConfig(t.dsm, tdi, gctx, rangeId, write, r));
  }
}
