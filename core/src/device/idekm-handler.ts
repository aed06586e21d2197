import {
  ByteReader,
  idekm,
  type IdeKmMessage,
  type IdeKmMessageOf,
  keyProgHeaderCodec,
  KpAckStatus,
  type KpAckStatusName,
} from '../wire/index.js';
import { writableStream } from './copy-on-write.js';
import { errorTdisOnInsecureStreams } from './events.js';
import { type IdeSubStreamKeys, keySetGo, keySetStop, programKey, streamKey, subStreamKeys } from './ide-keys.js';
import type { DeviceModel } from './state.js';
import { tryDecode } from './try-decode.js';

/**
 * IDE_KM on the DSM (PCIe 6.1 §6.33.3). IDE_KM has no error message: a request the device cannot
 * act on yields undefined, which the SPDM layer answers with ERROR InvalidRequest as [E] does.
 * Only KEY_PROG reports problems in-band, through its KP_ACK status.
 */

type IdeKmRequestType = 'QUERY' | 'KEY_PROG' | 'K_SET_GO' | 'K_SET_STOP';
type IdeKmHandler<N extends IdeKmRequestType> = (model: DeviceModel, request: IdeKmMessageOf<N>) => IdeKmMessage | undefined;

type StreamRequest = IdeKmMessageOf<'KEY_PROG' | 'K_SET_GO' | 'K_SET_STOP'>;

/** The sub-stream a request addresses: the port must exist, then the stream, then PR/NPR/CPL in it. */
function target(model: DeviceModel, request: StreamRequest): IdeSubStreamKeys | KpAckStatusName {
  if (request.portIndex > model.config.ide.maxPortIndex) return 'UNSUPPORTED_PORT_INDEX';
  const stream = writableStream(model, streamKey(request.portIndex, request.streamId));
  return (stream && subStreamKeys(stream, request.keySubStream)) ?? 'UNSUPPORTED_VALUE';
}

/** QUERY_RESP: the DSM's bus, device/function and segment, and a zeroed IDE register block ([E] does the same). */
function query(model: DeviceModel, request: IdeKmMessageOf<'QUERY'>): IdeKmMessage | undefined {
  const { ide, segment } = model.config;
  if (request.portIndex > ide.maxPortIndex) return undefined;
  const rid = model.topology.dsm.requesterId;
  return {
    objectId: 'QUERY_RESP',
    portIndex: request.portIndex,
    devFuncNum: rid & 0xff,
    busNum: rid >> 8,
    segment: segment ?? 0,
    maxPortIndex: ide.maxPortIndex,
    ideRegisterBlock: new Array<number>(ide.registerBlockDwords).fill(0),
  };
}

function kpAck(request: Pick<StreamRequest, 'streamId' | 'keySubStream' | 'portIndex'>, status: KpAckStatusName): IdeKmMessage {
  return { objectId: 'KP_ACK', streamId: request.streamId, status: KpAckStatus[status], keySubStream: request.keySubStream, portIndex: request.portIndex };
}

function keyProg(model: DeviceModel, request: IdeKmMessageOf<'KEY_PROG'>): IdeKmMessage {
  const t = target(model, request);
  if (typeof t === 'string') return kpAck(request, t);
  programKey(t, request.keySubStream.keySet);
  return kpAck(request, 'SUCCESS');
}

/** K_SET_GO and K_SET_STOP have no status to report a bad target with: they fail instead. */
function goStop(change: (slot: IdeSubStreamKeys, request: StreamRequest) => void) {
  return (model: DeviceModel, request: IdeKmMessageOf<'K_SET_GO' | 'K_SET_STOP'>): IdeKmMessage | undefined => {
    const t = target(model, request);
    if (typeof t === 'string') return undefined;
    change(t, request);
    // Stopping a key set, or going to one never programmed, can leave a bound TDI's stream insecure.
    errorTdisOnInsecureStreams(model);
    return { objectId: 'K_SET_GOSTOP_ACK', streamId: request.streamId, keySubStream: request.keySubStream, portIndex: request.portIndex };
  };
}

const handlers: { [N in IdeKmRequestType]: IdeKmHandler<N> } = {
  QUERY: query,
  KEY_PROG: keyProg,
  K_SET_GO: goStop((slot, r) => keySetGo(slot, r.keySubStream.keySet)),
  K_SET_STOP: goStop((slot, r) => keySetStop(slot, r.keySubStream.keySet)),
};

/** A KEY_PROG whose key part has the wrong length still names its stream: KP_ACK INCORRECT_LENGTH. */
function wrongLength(request: Uint8Array): IdeKmMessage | undefined {
  const header = tryDecode(() => keyProgHeaderCodec.read(new ByteReader(request, 'idekm'), ''));
  return header && kpAck(header, 'INCORRECT_LENGTH');
}

/** A response object (QUERY_RESP, KP_ACK, K_SET_GOSTOP_ACK) sent as a request has no handler. */
function dispatch(model: DeviceModel, message: IdeKmMessage): IdeKmMessage | undefined {
  if (!Object.hasOwn(handlers, message.objectId)) return undefined;
  return (handlers[message.objectId as IdeKmRequestType] as IdeKmHandler<IdeKmRequestType>)(model, message as never);
}

/** Answers one IDE_KM request, or undefined when the device cannot (the SPDM layer reports it). */
export function handleIdeKm(model: DeviceModel, request: Uint8Array): Uint8Array | undefined {
  const message = tryDecode(() => idekm.decode(request).message);
  const response = message ? dispatch(model, message) : wrongLength(request);
  return response && idekm.encode(response);
}
