import {
  type Fields,
  type SpreadCodec,
  type StructValue,
  countedArray,
  countedBytes,
  enumOf,
  fixedBytes,
  optional,
  reserved,
  reservedBits,
  reservedU16,
  reservedU8,
  restBytes,
  struct,
  u16,
  u16dec,
  u32,
  u8,
  u8dec,
  u64,
} from '../codec/codec.js';
import { toHex } from '../codec/hex.js';
import { MessageSet, variantsOf } from '../codec/message-set.js';
import { expectU8, tag } from '../codec/tag.js';
import {
  ExtendedErrorRegistry,
  LOCK_FLAGS_RESERVED_SHIFT,
  START_INTERFACE_NONCE_SIZE,
  TDISP_VERSION_10,
  TdiState,
  TdispErrorCode,
  type TdispMessageType,
  TdispRequestCode,
  TdispResponseCode,
} from './codes.js';
import { interfaceIdCodec } from './interface-id.js';
import { mmioRangeCodec } from './report.js';

/**
 * The 16-byte TDISP header (`pci_tdisp_header_t`) for message `name`. TDISP_ERROR accepts any
 * version byte because a responder echoes the request's version in it, mismatched or not.
 */
function header<N extends TdispMessageType>(name: N, code: number) {
  return {
    version: name === 'TDISP_ERROR' ? u8 : expectU8(TDISP_VERSION_10, 'TDISP version'),
    messageType: tag(name, code),
    reserved: reservedU16,
    interfaceId: interfaceIdCodec,
  };
}

/** portion_length, remainder_length, then portion_length bytes of the report. */
const reportPortion: SpreadCodec<{ remainderLength: number; portion: Uint8Array }> = {
  read(r, f) {
    const at = r.offset;
    const portionLength = r.u16('portionLength');
    const remainderLength = r.u16('remainderLength');
    if (portionLength !== r.remaining) r.fail('portionLength', 'length-mismatch', `portion_length ${portionLength} but ${r.remaining} byte(s) follow`, at);
    return { remainderLength, portion: r.bytesOf(portionLength, f) };
  },
  write(w, v, f) {
    u16dec.write(w, v.portion.length, 'portionLength');
    u16dec.write(w, v.remainderLength, 'remainderLength');
    if (v.portion.length > 0xffff) throw new RangeError(`${f}: portion longer than 0xffff`);
    w.bytes(v.portion);
  },
  toJson: (v) => ({ portionLength: v.portion.length, remainderLength: v.remainderLength, portion: toHex(v.portion) }),
  fromJson: (j) => {
    const o = j as { remainderLength: unknown; portion: unknown };
    return { remainderLength: u16dec.fromJson(o.remainderLength), portion: restBytes.fromJson(o.portion) };
  },
  schema: {
    type: 'object',
    properties: { portionLength: u16dec.schema, remainderLength: u16dec.schema, portion: restBytes.schema },
    required: ['remainderLength', 'portion'],
  },
  spread: true,
};

/** Vendor-defined content shared by VDM_REQUEST/RESPONSE and TDISP_ERROR extended data. */
const vendorDefined = {
  registryId: enumOf(u8, ExtendedErrorRegistry),
  vendorId: countedBytes(u8dec, 0xff),
};

/** Message bodies after the header (PCIe 6.1 §11.3; sizes as the libspdm structs). */
const bodies = {
  GET_TDISP_VERSION: {},
  TDISP_VERSION: { versionNumEntries: countedArray(u8dec, 0xff, u8) },
  GET_TDISP_CAPABILITIES: { tsmCaps: u32 },
  TDISP_CAPABILITIES: {
    dsmCaps: u32,
    reqMsgSupported: fixedBytes(16),
    lockInterfaceFlagsSupported: u16,
    bodyReserved: reserved(fixedBytes(3), new Uint8Array(3)),
    devAddrWidth: u8dec,
    numReqThis: u8dec,
    numReqAll: u8dec,
  },
  LOCK_INTERFACE_REQUEST: { flags: reservedBits(u16, LOCK_FLAGS_RESERVED_SHIFT), defaultStreamId: u8, bodyReserved: reservedU8, mmioReportingOffset: u64, bindP2pAddressMask: u64 },
  LOCK_INTERFACE_RESPONSE: { startInterfaceNonce: fixedBytes(START_INTERFACE_NONCE_SIZE) },
  GET_DEVICE_INTERFACE_REPORT: { offset: u16, length: u16 },
  DEVICE_INTERFACE_REPORT: { portion: reportPortion },
  GET_DEVICE_INTERFACE_STATE: {},
  DEVICE_INTERFACE_STATE: { tdiState: enumOf(u8, TdiState) },
  START_INTERFACE_REQUEST: { startInterfaceNonce: fixedBytes(START_INTERFACE_NONCE_SIZE) },
  START_INTERFACE_RESPONSE: {},
  STOP_INTERFACE_REQUEST: {},
  STOP_INTERFACE_RESPONSE: {},
  BIND_P2P_STREAM_REQUEST: { p2pStreamId: u8 },
  BIND_P2P_STREAM_RESPONSE: {},
  UNBIND_P2P_STREAM_REQUEST: { p2pStreamId: u8 },
  UNBIND_P2P_STREAM_RESPONSE: {},
  SET_MMIO_ATTRIBUTE_REQUEST: { mmioRange: mmioRangeCodec },
  SET_MMIO_ATTRIBUTE_RESPONSE: {},
  VDM_REQUEST: { ...vendorDefined, vendorData: restBytes },
  VDM_RESPONSE: { ...vendorDefined, vendorData: restBytes },
  TDISP_ERROR: {
    errorCode: enumOf(u32, TdispErrorCode),
    errorData: u32,
    extendedErrorData: optional(struct({ ...vendorDefined, vendorErrData: restBytes })),
  },
} satisfies Record<TdispMessageType, Fields>;

type Bodies = typeof bodies;
type Full<N extends TdispMessageType> = ReturnType<typeof header<N>> & Bodies[N];
type MessageOf<N extends TdispMessageType> = StructValue<Full<N>>;

/** A typed TDISP message; `messageType` discriminates. */
export type TdispMessage = { [N in TdispMessageType]: MessageOf<N> }[TdispMessageType];
/** The typed message of one type, e.g. `TdispMessageOf<'LOCK_INTERFACE_REQUEST'>`. */
export type TdispMessageOf<N extends TdispMessageType> = Extract<TdispMessage, { messageType: N }>;

const CODES: Record<TdispMessageType, number> = { ...TdispRequestCode, ...TdispResponseCode };


/** Every TDISP request and response. */
export const tdisp = new MessageSet<TdispMessage, 'messageType'>(
  'tdisp',
  'messageType',
  1,
  variantsOf(CODES, (n, code) => ({ ...header(n, code), ...bodies[n] })),
);

/** TDISP header length: every message starts with it. */
export const TDISP_HEADER_SIZE = 16;

/**
 * The 16-byte header read without judging it: any version byte and any message type code. A
 * responder reads this first so it can answer in the order spdm-emu checks (type, size, version).
 */
export const tdispHeaderCodec = struct({ version: u8, messageType: u8, reserved: reservedU16, interfaceId: interfaceIdCodec });
export type TdispHeader = ReturnType<typeof tdispHeaderCodec.read>;
