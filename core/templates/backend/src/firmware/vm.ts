import { OK, type FwResult, type VmId, inject, injectable } from '@teeio/core';
import { FirmwareModel } from './firmware.js';

/** The firmware's VM object. TODO: your firmware's VM calls, and what destroy refuses (cite it). */
@injectable()
export class VmCalls {
  constructor(@inject(FirmwareModel) private readonly fw: FirmwareModel) {}

  create(vm: VmId): FwResult {
    return this.fw.call('__ARCH_UPPER__.VM_CREATE', { vm }, () => {
      this.fw.state.vms.push(vm);
      return OK;
    });
  }

  destroy(vm: VmId): FwResult {
    return this.fw.call('__ARCH_UPPER__.VM_DESTROY', { vm }, () => {
      this.fw.state.vms = this.fw.state.vms.filter((v) => v !== vm);
      return OK;
    });
  }
}
