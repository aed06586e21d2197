import { type Bdf, DEVICE_LINK, type DeviceLink, type FwResult, type VmId, inject, injectable } from '@teeio/core';
import { STATUS } from '../codes.js';
import { todo } from '../todo.js';
import { FirmwareModel } from './firmware.js';

/** The firmware's TDI object: its context, LOCK, RUN and STOP, and its release. */
@injectable()
export class TdiCalls {
  constructor(
    @inject(FirmwareModel) private readonly fw: FirmwareModel,
    /** The device: TDISP requests (tdisp()), its DSM (dsmOf()), a TDI's requester ID (site()). */
    @inject(DEVICE_LINK) private readonly link: DeviceLink,
  ) {}

  bind(tdi: Bdf, vm: VmId, guestRid: number): FwResult<Uint8Array> {
    return this.fw.call('__ARCH_UPPER__.TDI_BIND', { tdi, vm, guestRid }, () => {
      // The example rule: one check, guarded by its id so a run can switch it off (rules.ts).
      if (this.fw.enforces('bind-requires-connected') && !this.fw.state.sessions.includes(this.link.dsmOf(tdi))) {
        return FirmwareModel.fail(STATUS.ERROR_STATE, `${tdi}: its device has no secure session`);
      }
      return todo('src/firmware/tdi.ts', 'bind(): create the TDI context for the VM, TDISP LOCK it (DEVICE_LINK tdisp(), interfaceIdOf(link.site(tdi).requesterId)), read the report (GET_DEVICE_INTERFACE_REPORT until remainderLength is 0) and return it; a bind that fails leaves nothing behind');
    });
  }

  stop(tdi: Bdf): FwResult {
    return this.fw.call('__ARCH_UPPER__.TDI_STOP', { tdi }, () => todo('src/firmware/tdi.ts', 'stop(): TDISP STOP → CONFIG_UNLOCKED'));
  }

  unbind(tdi: Bdf): FwResult {
    return this.fw.call('__ARCH_UPPER__.TDI_UNBIND', { tdi }, () => todo('src/firmware/tdi.ts', 'unbind(): release the TDI context (refuse what your firmware refuses, with its code)'));
  }

  start(vm: VmId, tdi: Bdf): FwResult {
    return this.fw.call('__ARCH_UPPER__.TDI_START', { vm, tdi }, () => todo('src/firmware/tdi.ts', 'start(): TDISP START_INTERFACE → RUN, at the guest\'s request'));
  }
}
