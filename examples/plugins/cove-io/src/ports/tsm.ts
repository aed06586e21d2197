import { type Bdf, type FwResult, type TdiStateChange, type TsmPort, type TsmView, type VmId, inject, injectable } from '@teeio/core';
import { STATUS } from '../codes.js';
import { DeviceCalls } from '../firmware/device.js';
import { FirmwareModel } from '../firmware/firmware.js';
import { TdiCalls } from '../firmware/tdi.js';
import { VmCalls } from '../firmware/vm.js';

/** How often the driver tries a disconnect that timed out. */
const DISCONNECT_TRIES = 3;

/**
 * The platform TSM as the kernel's pci_tsm_ops drive it, through the COVH calls a RISC-V host
 * makes and the COVG calls a TVM makes [cove-io].
 */
@injectable()
export class Tsm implements TsmPort {
  constructor(
    @inject(FirmwareModel) private readonly fw: FirmwareModel,
    @inject(VmCalls) private readonly vms: VmCalls,
    @inject(DeviceCalls) private readonly devices: DeviceCalls,
    @inject(TdiCalls) private readonly tdis: TdiCalls,
  ) {}

  createVm(vm: VmId): FwResult {
    return this.vms.create(vm);
  }

  destroyVm(vm: VmId): FwResult {
    return this.vms.destroy(vm);
  }

  connect(dsm: Bdf): FwResult {
    return this.devices.connect(dsm);
  }

  /**
   * pci_tsm_ops.disconnect(pdev) reports no failure [linux-tsm §1 Ops: no return value], so
   * the driver retries the TSM's transient SBI_ERR_TIMEOUT (a bounded retry).
   */
  disconnect(dsm: Bdf, force: boolean): FwResult {
    let r = this.devices.disconnect(dsm, force);
    for (let tries = 1; !r.ok && r.code === STATUS.TIMEOUT && tries < DISCONNECT_TRIES; tries++) r = this.devices.disconnect(dsm, force);
    return r;
  }

  /** add_tvm_interface_region, then bind_interface: "MMIO regions added before bind" [cove-io]. */
  bind(tdi: Bdf, vm: VmId, guestRid: number): FwResult<Uint8Array> {
    const region = this.tdis.addRegion(tdi, vm);
    return region.ok ? this.tdis.bind(tdi, vm, guestRid) : region;
  }

  stop(tdi: Bdf): FwResult {
    return this.tdis.stop(tdi);
  }

  unbind(tdi: Bdf): FwResult {
    return this.tdis.unbind(tdi);
  }

  /** The TVM's own COVG calls: start_interface to RUN, stop_interface to leave it. */
  guestRequest(vm: VmId, tdi: Bdf, change: TdiStateChange): FwResult {
    return change === 'RUN' ? this.tdis.start(vm, tdi) : this.tdis.guestStop(vm, tdi);
  }

  view(): TsmView {
    const { vms, sessions, streams, tdis } = this.fw.state;
    return { sessions, ideStreams: streams, tdis: Object.entries(tdis).map(([tdi, t]) => ({ tdi: tdi as Bdf, vm: t.vm })), vms };
  }
}
