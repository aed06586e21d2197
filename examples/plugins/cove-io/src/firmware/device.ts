import {
  type Bdf,
  DEVICE_LINK,
  type DeviceLink,
  type FwResult,
  IDE_DIRECTIONS,
  IDE_IFV_SIZE,
  IDE_KEY_SIZE,
  IDE_SUB_STREAMS,
  IdeSubStream,
  KpAckStatus,
  type IdeKmMessage,
  OK,
  TDI_IDE_PORT,
  inject,
  injectable,
} from '@teeio/core';
import { STATUS } from '../codes.js';
import { FirmwareModel } from './firmware.js';
import { Interfaces } from './interfaces.js';

/** The stream that carries the TDIs' traffic: the device's one selective IDE stream. */
const STREAM_ID = 0;

/** The six sub-streams of a stream (RX/TX × PR/NPR/CPL), as IDE_KM key_sub_stream names them. */
const SUB_STREAMS = IDE_DIRECTIONS.flatMap((direction) => IDE_SUB_STREAMS.map((name) => ({ keySet: 'K0' as const, direction, subStream: IdeSubStream[name] })));

/**
 * The TSM's device (DSM) object: COVH connect_device and disconnect_device [cove-io]. The TSM
 * owns the SPDM session with function 0 and programs the IDE keys: the root port's through COVT
 * and the device's with IDE_KM over the session, KEY_PROG then K_SET_GO for each sub-stream.
 */
@injectable()
export class DeviceCalls {
  constructor(
    @inject(FirmwareModel) private readonly fw: FirmwareModel,
    @inject(Interfaces) private readonly interfaces: Interfaces,
    @inject(DEVICE_LINK) private readonly link: DeviceLink,
  ) {}

  connect(dsm: Bdf): FwResult {
    return this.fw.call('COVH.CONNECT_DEVICE', { dsm }, () => {
      if (this.fw.state.sessions.includes(dsm)) return FirmwareModel.fail(STATUS.ALREADY_AVAILABLE, `${dsm}: already connected`);
      const keyed = this.programKeys(dsm);
      if (!keyed.ok) return keyed;
      this.fw.state.sessions.push(dsm);
      this.fw.state.streams.push({ dsm, streamId: STREAM_ID });
      return OK;
    });
  }

  disconnect(dsm: Bdf, force: boolean): FwResult {
    return this.fw.call('COVH.DISCONNECT_DEVICE', { dsm, force }, () => {
      if (!this.fw.state.sessions.includes(dsm)) return FirmwareModel.fail(STATUS.INVALID_PARAM, `${dsm}: not connected`);
      const bound = this.interfaces.boundOn(dsm);
      if (bound.length > 0 && !force && this.fw.enforces('disconnect-requires-unbound')) {
        return FirmwareModel.fail(STATUS.DENIED, `${dsm}: interface ${bound.join(', ')} still bound`);
      }
      // [cove-io]: disconnect stops every bound interface first, then the TSM frees them.
      for (const tdi of bound) this.interfaces.forceRelease(tdi);
      this.fw.state.sessions = this.fw.state.sessions.filter((s) => s !== dsm);
      this.fw.state.streams = this.fw.state.streams.filter((s) => s.dsm !== dsm);
      return OK;
    });
  }

  /** KEY_PROG then K_SET_GO on every sub-stream of the stream: TDISP LOCK needs it secure. */
  private programKeys(dsm: Bdf): FwResult {
    for (const keySubStream of SUB_STREAMS) {
      const common = { streamId: STREAM_ID, keySubStream, portIndex: TDI_IDE_PORT };
      const prog = this.idekm(dsm, { objectId: 'KEY_PROG', ...common, key: new Uint8Array(IDE_KEY_SIZE).fill(keySubStream.subStream + 1), ifv: new Uint8Array(IDE_IFV_SIZE) });
      if (!prog.ok) return prog;
      const go = this.idekm(dsm, { objectId: 'K_SET_GO', ...common });
      if (!go.ok) return go;
    }
    return OK;
  }

  private idekm(dsm: Bdf, request: IdeKmMessage): FwResult {
    const response = this.link.idekm(dsm, request);
    if (!response.ok) return FirmwareModel.fail(STATUS.TIMEOUT, `${dsm}: IDE_KM ${request.objectId}: ${response.code}`);
    const answer = response.value;
    if (answer.objectId === 'KP_ACK' && answer.status !== KpAckStatus.SUCCESS) return FirmwareModel.fail(STATUS.IO, `${dsm}: KP_ACK ${answer.status}`);
    return OK;
  }
}
