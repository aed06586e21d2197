import { type Bdf, type FwResult, type TdiStateChange, type TsmPort, type TsmView, type VmId, inject, injectable } from '@teeio/core';
import { DeviceCalls } from '../firmware/device.js';
import { FirmwareModel } from '../firmware/firmware.js';
import { TdiCalls } from '../firmware/tdi.js';
import { VmCalls } from '../firmware/vm.js';
import { todo } from '../todo.js';

/**
 * The platform TSM as the kernel's pci_tsm_ops drive it. Each method makes the firmware calls
 * the host makes for it, in the order __ARCH__'s host driver makes them (TODO: cite the driver).
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

  disconnect(dsm: Bdf, force: boolean): FwResult {
    return this.devices.disconnect(dsm, force);
  }

  bind(tdi: Bdf, vm: VmId, guestRid: number): FwResult<Uint8Array> {
    return this.tdis.bind(tdi, vm, guestRid);
  }

  stop(tdi: Bdf): FwResult {
    return this.tdis.stop(tdi);
  }

  unbind(tdi: Bdf): FwResult {
    return this.tdis.unbind(tdi);
  }

  guestRequest(vm: VmId, tdi: Bdf, change: TdiStateChange): FwResult {
    if (change === 'RUN') return this.tdis.start(vm, tdi);
    return todo('src/ports/tsm.ts', 'guestRequest(UNLOCK): what the host does when the guest asks to leave RUN');
  }

  view(): TsmView {
    const { vms, sessions, streams, tdis } = this.fw.state;
    return { sessions, ideStreams: streams, tdis: Object.entries(tdis).map(([tdi, t]) => ({ tdi: tdi as Bdf, vm: t.vm })), vms };
  }
}
