import { OK, type FwResult, type VmId, inject, injectable } from '@teeio/core';
import { STATUS } from '../codes.js';
import { FirmwareModel } from './firmware.js';

/** The TSM's TVM object: COVH create_tvm and destroy_tvm [CoVE ch. 10, COVH]. */
@injectable()
export class VmCalls {
  constructor(@inject(FirmwareModel) private readonly fw: FirmwareModel) {}

  create(vm: VmId): FwResult {
    return this.fw.call('COVH.CREATE_TVM', { vm }, () => {
      this.fw.state.vms.push(vm);
      return OK;
    });
  }

  destroy(vm: VmId): FwResult {
    return this.fw.call('COVH.DESTROY_TVM', { vm }, () => {
      const bound = Object.entries(this.fw.state.tdis).filter(([, t]) => t.vm === vm).map(([tdi]) => tdi);
      if (bound.length > 0 && this.fw.enforces('destroy-requires-unbound')) {
        return FirmwareModel.fail(STATUS.DENIED, `${vm}: interface ${bound.join(', ')} still bound`);
      }
      this.fw.state.vms = this.fw.state.vms.filter((v) => v !== vm);
      return OK;
    });
  }
}
