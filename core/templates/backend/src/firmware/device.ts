import { type Bdf, DEVICE_LINK, type DeviceLink, type FwResult, inject, injectable } from '@teeio/core';
import { todo } from '../todo.js';
import { FirmwareModel } from './firmware.js';

/** The firmware's device (DSM) object: the secure session and IDE streams with function 0. */
@injectable()
export class DeviceCalls {
  constructor(
    @inject(FirmwareModel) private readonly fw: FirmwareModel,
    /** The only way to reach the device: DOE exchanges (SPDM, IDE_KM, TDISP) and its config space. */
    @inject(DEVICE_LINK) protected readonly link: DeviceLink,
  ) {}

  connect(dsm: Bdf): FwResult {
    return this.fw.call('__ARCH_UPPER__.CONNECT', { dsm }, () =>
      todo('src/firmware/device.ts', 'connect(): the SPDM session and IDE keys with the device (this.link.idekm: KEY_PROG then K_SET_GO on every sub-stream of stream 0, port TDI_IDE_PORT; LOCK needs them), then record the session and streams in this.fw.state'),
    );
  }

  disconnect(dsm: Bdf, force: boolean): FwResult {
    return this.fw.call('__ARCH_UPPER__.DISCONNECT', { dsm, force }, () =>
      todo('src/firmware/device.ts', 'disconnect(): refuse while TDIs are bound (unless force), tear the streams and session down; the kernel cannot fail a disconnect, so the port retries your transient code'),
    );
  }
}
