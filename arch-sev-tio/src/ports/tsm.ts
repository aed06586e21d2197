import { type Bdf, type FwResult, OK, type TdiStateChange, type TsmPort, type TsmView, type VmId } from '@teeio/core';
import { inject, injectable } from 'tsyringe';
import { SevTioHost } from '../host/ccp.js';
import { SevTioKvm } from '../host/kvm.js';
import { Psp } from '../firmware/psp.js';
import { SevTioFirmware } from '../firmware/state.js';

/**
 * The TSM port: the host's pci_tsm_ops on SEV-TIO (sev-dev-tsm.c) over the PSP model, and the SNP
 * guest context that names the VM in every TDI command.
 */
@injectable()
export class SevTioTsm implements TsmPort {
  constructor(
    /** The host driver and the PSP model, public for tests and tools that drive them directly. */
    @inject(SevTioHost) readonly host: SevTioHost,
    @inject(Psp) readonly psp: Psp,
    @inject(SevTioKvm) private readonly kvm: SevTioKvm,
    @inject(SevTioFirmware) private readonly fw: SevTioFirmware,
  ) {}

  /** KVM_SEV_SNP_LAUNCH_START: SNP_GCTX_CREATE, then SNP_LAUNCH_START (the ASID). */
  createVm(vm: VmId): FwResult {
    const gctx = this.psp.snpGctxCreate(vm);
    if (!gctx.ok) return gctx;
    const launch = this.psp.snpLaunchStart(vm);
    if (launch.ok) return OK;
    this.psp.snpDecommission(vm);
    return launch;
  }

  /** SNP_DECOMMISSION: refused while TDIs are bound to the guest context (see Psp.snpDecommission). */
  destroyVm(vm: VmId): FwResult {
    return this.psp.snpDecommission(vm);
  }

  connect(dsm: Bdf): FwResult {
    return this.host.connect(dsm);
  }

  disconnect(dsm: Bdf, force: boolean): FwResult {
    return this.host.disconnect(dsm, force);
  }

  bind(tdi: Bdf, vm: VmId, guestRid: number): FwResult<Uint8Array> {
    return this.host.bind(tdi, vm, guestRid);
  }

  stop(tdi: Bdf): FwResult {
    return this.host.stop(tdi);
  }

  unbind(tdi: Bdf): FwResult {
    return this.host.unbind(tdi);
  }

  guestRequest(vm: VmId, tdi: Bdf, change: TdiStateChange): FwResult {
    return this.kvm.guestOp(vm, tdi, change);
  }

  /** Device contexts are the PSP's session objects: a DSM counts from TIO_DEV_CREATE to TIO_DEV_RECLAIM. */
  view(): TsmView {
    const s = this.fw.state;
    return {
      sessions: Object.keys(s.devices),
      ideStreams: Object.entries(s.devices).flatMap(([dsm, d]) => d.ideStreamIds.map((streamId) => ({ dsm, streamId }))),
      tdis: Object.entries(s.tdis).map(([tdi, t]) => ({ tdi, vm: t.vm ?? '' })),
      vms: Object.keys(s.guests),
    };
  }
}
