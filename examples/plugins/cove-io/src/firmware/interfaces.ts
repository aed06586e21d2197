import { type Bdf, DEVICE_LINK, type DeviceLink, type FwResult, TDISP_VERSION_10, type TdispMessage, type TdispMessageOf, inject, injectable, interfaceIdOf } from '@teeio/core';
import { STATUS } from '../codes.js';
import { FirmwareModel } from './firmware.js';
import type { InterfaceRecord } from './state.js';

/** A TDISP request as the TSM sends it (its header filled by `send`). */
type Request = Omit<TdispMessage, 'version' | 'interfaceId' | 'reserved'> & Partial<TdispMessage>;

/**
 * The TSM's interfaces (TDIs) and its TDISP requester: what every COVH and COVG interface
 * call shares. The TSM, not the host, sends TDISP over the device's SPDM session [cove-io].
 */
@injectable()
export class Interfaces {
  constructor(
    @inject(FirmwareModel) private readonly fw: FirmwareModel,
    @inject(DEVICE_LINK) private readonly link: DeviceLink,
  ) {}

  get(tdi: Bdf): InterfaceRecord | undefined {
    return this.fw.state.tdis[tdi];
  }

  /** The bound interfaces of the device whose function 0 is `dsm`. */
  boundOn(dsm: Bdf): Bdf[] {
    return (Object.keys(this.fw.state.tdis) as Bdf[]).filter((tdi) => this.link.dsmOf(tdi) === dsm);
  }

  dsmOf(tdi: Bdf): Bdf {
    return this.link.dsmOf(tdi);
  }

  /** One TDISP request to `tdi`; a TDISP_ERROR or a failed exchange is the TSM's SBI error. */
  send<N extends TdispMessage['messageType']>(tdi: Bdf, request: Request, expect: N): FwResult<TdispMessageOf<N>> {
    const message = { version: TDISP_VERSION_10, interfaceId: interfaceIdOf(this.link.site(tdi).requesterId), ...request } as TdispMessage;
    const response = this.link.tdisp(tdi, message);
    if (!response.ok) return FirmwareModel.fail(STATUS.TIMEOUT, `${tdi}: ${request.messageType}: ${response.code}`);
    if (response.value.messageType !== expect) return FirmwareModel.fail(STATUS.IO, `${tdi}: ${request.messageType} answered ${response.value.messageType}`);
    return { ok: true, value: response.value as TdispMessageOf<N> };
  }

  /**
   * TDISP STOP (CONFIG_UNLOCKED; legal in every state [linux-tsm §4]): the trusted DMA context
   * is disabled with it, since DMA is allowed only in RUN.
   */
  stop(tdi: Bdf): FwResult {
    const stopped = this.send(tdi, { messageType: 'STOP_INTERFACE_REQUEST' }, 'STOP_INTERFACE_RESPONSE');
    if (!stopped.ok) return stopped;
    const record = this.get(tdi);
    if (record) record.state = 'UNLOCKED';
    for (const c of this.fw.state.dma) if (c.tdi === tdi) c.enabled = false;
    return { ok: true, value: undefined };
  }

  /** Drops what the TSM holds for `tdi`: the record, its region, mappings and DMA context. */
  release(tdi: Bdf): void {
    const s = this.fw.state;
    delete s.tdis[tdi];
    delete s.regions[tdi];
    s.mappings = s.mappings.filter((m) => m.tdi !== tdi);
    s.dma = s.dma.filter((c) => c.tdi !== tdi);
  }

  /** disconnect_device with force: STOP, then release, whatever the device answers. */
  forceRelease(tdi: Bdf): void {
    this.stop(tdi);
    this.release(tdi);
  }
}
