import {
  type DeviceConfig,
  IDE_DIRECTIONS,
  IDE_SUB_STREAMS,
  IdeSubStream,
  idekm,
  type IdeKeySet,
  type IdeKmMessage,
  type InterfaceId,
  pciSigVendorMessage,
  type PciProtocolName,
  spdm,
  type SpdmMessage,
  TDISP_VERSION_10,
  tdisp,
  type TdispMessage,
  type TdispMessageOf,
  type TdispRequestType,
  TdispDevice,
} from '../../src/index.js';

/** The fields of a request after its header. */
type Body<N extends TdispRequestType> = Omit<TdispMessageOf<N>, 'version' | 'messageType' | 'interfaceId' | 'reserved'>;

/** A request to `interfaceId` as bytes. */
export function request<N extends TdispRequestType>(interfaceId: InterfaceId, messageType: N, body: Body<N>): Uint8Array {
  return tdisp.encode({ version: TDISP_VERSION_10, messageType, interfaceId, ...body } as unknown as TdispMessage);
}

/** A TDISP conversation with one TDI of a device, decoded. */
export class Tdi {
  readonly id: InterfaceId;
  constructor(
    readonly device: TdispDevice,
    readonly requesterId: number,
  ) {
    this.id = device.interfaceId(requesterId);
  }

  send<N extends TdispRequestType>(messageType: N, body: Body<N>): TdispMessage {
    return tdisp.decode(this.device.handleTdisp(request(this.id, messageType, body))).message;
  }

  state(): string {
    const m = this.send('GET_DEVICE_INTERFACE_STATE', {});
    if (m.messageType !== 'DEVICE_INTERFACE_STATE') throw new Error(`GET_DEVICE_INTERFACE_STATE answered ${m.messageType}`);
    return ['CONFIG_UNLOCKED', 'CONFIG_LOCKED', 'RUN', 'ERROR'][m.tdiState] as string;
  }

  lock(body: Partial<Body<'LOCK_INTERFACE_REQUEST'>> = {}): TdispMessage {
    return this.send('LOCK_INTERFACE_REQUEST', { flags: 0, defaultStreamId: 0, mmioReportingOffset: 0n, bindP2pAddressMask: 0n, ...body });
  }

  /** LOCK that must succeed; returns the nonce. */
  lockOk(body: Partial<Body<'LOCK_INTERFACE_REQUEST'>> = {}): Uint8Array {
    const m = this.lock(body);
    if (m.messageType !== 'LOCK_INTERFACE_RESPONSE') throw new Error(`LOCK answered ${JSON.stringify(tdisp.toJson(m))}`);
    return m.startInterfaceNonce;
  }

  start(nonce: Uint8Array): TdispMessage {
    return this.send('START_INTERFACE_REQUEST', { startInterfaceNonce: nonce });
  }

  /** LOCK then START with the LOCK's nonce. */
  run(body: Partial<Body<'LOCK_INTERFACE_REQUEST'>> = {}): void {
    const m = this.start(this.lockOk(body));
    if (m.messageType !== 'START_INTERFACE_RESPONSE') throw new Error(`START answered ${JSON.stringify(tdisp.toJson(m))}`);
  }

  stop(): TdispMessage {
    return this.send('STOP_INTERFACE_REQUEST', {});
  }

  report(offset: number, length: number): TdispMessage {
    return this.send('GET_DEVICE_INTERFACE_REPORT', { offset, length });
  }

  /** The whole report, fetched portion by portion. */
  fullReport(): Uint8Array {
    const parts: Uint8Array[] = [];
    for (let offset = 0; ; ) {
      const m = this.report(offset, 0xffff);
      if (m.messageType !== 'DEVICE_INTERFACE_REPORT') throw new Error(`report answered ${JSON.stringify(tdisp.toJson(m))}`);
      parts.push(m.portion);
      offset += m.portion.length;
      if (m.remainderLength === 0) return Uint8Array.from(parts.flatMap((p) => [...p]));
    }
  }
}

/** The TDISP_ERROR code of `m`, or undefined when `m` is not an error. */
export function errorCodeOf(m: TdispMessage): number | undefined {
  return m.messageType === 'TDISP_ERROR' ? m.errorCode : undefined;
}

/** An SPDM VENDOR_DEFINED_REQUEST to the device, decoded. */
export function spdmExchange(device: TdispDevice, protocol: PciProtocolName, payload: Uint8Array): SpdmMessage {
  return spdm.decode(device.handleSpdm(spdm.encode(pciSigVendorMessage('VENDOR_DEFINED_REQUEST', protocol, payload)))).message;
}

/** An IDE_KM request through SPDM; the IDE_KM response, or the SPDM ERROR code. */
export function ideKm(device: TdispDevice, message: IdeKmMessage): IdeKmMessage | { spdmError: number } {
  const r = spdmExchange(device, 'IDE_KM', idekm.encode(message));
  if (r.code === 'ERROR') return { spdmError: r.errorCode };
  if (r.code !== 'VENDOR_DEFINED_RESPONSE') throw new Error(`IDE_KM answered ${r.code}`);
  return idekm.decode(r.payload).message;
}

export const KEY = new Uint8Array(32).fill(0xa5);
export const IFV = new Uint8Array(8);

export function keySubStream(direction: 'RX' | 'TX', subStream: number, keySet: IdeKeySet = 'K0') {
  return { keySet, direction, subStream };
}

/** Every (direction, sub-stream) pair of a stream. */
export const SUB_STREAMS = IDE_DIRECTIONS.flatMap((d) => IDE_SUB_STREAMS.map((s) => keySubStream(d, IdeSubStream[s])));

/** KEY_PROG and K_SET_GO of `keySet` on all six sub-streams, as the [E] requester does. */
export function secureStream(device: TdispDevice, streamId: number, portIndex = 0, keySet: IdeKeySet = 'K0'): void {
  for (const k of SUB_STREAMS) {
    ideKm(device, { objectId: 'KEY_PROG', streamId, keySubStream: { ...k, keySet }, portIndex, key: KEY, ifv: IFV });
    ideKm(device, { objectId: 'K_SET_GO', streamId, keySubStream: { ...k, keySet }, portIndex });
  }
}

/** A default device whose IDE stream 0 is already secure. */
export function readyDevice(config: DeviceConfig): TdispDevice {
  const device = new TdispDevice(config);
  secureStream(device, 0);
  return device;
}
