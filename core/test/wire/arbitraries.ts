/**
 * fast-check arbitraries for every typed message of every wire layer, written from the field
 * tables of ../shared/reference/tdisp-wire.md (§1 DOE and the SPDM wrapper, §2–§5 TDISP and the
 * report, §7 IDE_KM) and DSP0274 for SPDM GET_VERSION/VERSION, not from the codec declarations.
 *
 * Every field can take every value its width allows. Reserved fields are either absent (the
 * canonical form of a zero reserved field) or non-zero, so decode(encode(m)) must give m back
 * exactly. Optional trailing structures (TDISP_ERROR extended data, the SPDM 1.4 large layout's
 * reserved u16) are generated both present and absent.
 */
import fc from 'fast-check';
import {
  type DeviceInterfaceReport,
  type DoeDataObject,
  type IdeKmMessage,
  type IdeKmMessageType,
  type KeySubStream,
  type MmioRange,
  type SpdmMessage,
  type SpdmMessageType,
  type TdispMessage,
  type TdispMessageType,
  encodeDoe,
  idekm,
  spdm,
  tdisp,
} from '../../src/wire/index.js';

// ---- The code tables, restated from the reference (a test checks the codec agrees) ----

/** tdisp-wire.md §2: 11 requests, 11 responses and TDISP ERROR. */
export const TDISP_CODES: Readonly<Record<TdispMessageType, number>> = {
  GET_TDISP_VERSION: 0x81,
  GET_TDISP_CAPABILITIES: 0x82,
  LOCK_INTERFACE_REQUEST: 0x83,
  GET_DEVICE_INTERFACE_REPORT: 0x84,
  GET_DEVICE_INTERFACE_STATE: 0x85,
  START_INTERFACE_REQUEST: 0x86,
  STOP_INTERFACE_REQUEST: 0x87,
  BIND_P2P_STREAM_REQUEST: 0x88,
  UNBIND_P2P_STREAM_REQUEST: 0x89,
  SET_MMIO_ATTRIBUTE_REQUEST: 0x8a,
  VDM_REQUEST: 0x8b,
  TDISP_VERSION: 0x01,
  TDISP_CAPABILITIES: 0x02,
  LOCK_INTERFACE_RESPONSE: 0x03,
  DEVICE_INTERFACE_REPORT: 0x04,
  DEVICE_INTERFACE_STATE: 0x05,
  START_INTERFACE_RESPONSE: 0x06,
  STOP_INTERFACE_RESPONSE: 0x07,
  BIND_P2P_STREAM_RESPONSE: 0x08,
  UNBIND_P2P_STREAM_RESPONSE: 0x09,
  SET_MMIO_ATTRIBUTE_RESPONSE: 0x0a,
  VDM_RESPONSE: 0x0b,
  TDISP_ERROR: 0x7f,
};
export const TDISP_TYPES = Object.keys(TDISP_CODES) as TdispMessageType[];

/** tdisp-wire.md §7: IDE_KM object ids. */
export const IDEKM_CODES: Readonly<Record<IdeKmMessageType, number>> = {
  QUERY: 0x00,
  QUERY_RESP: 0x01,
  KEY_PROG: 0x02,
  KP_ACK: 0x03,
  K_SET_GO: 0x04,
  K_SET_STOP: 0x05,
  K_SET_GOSTOP_ACK: 0x06,
};
export const IDEKM_TYPES = Object.keys(IDEKM_CODES) as IdeKmMessageType[];

/** tdisp-wire.md §1b and DSP0274: the SPDM request/response codes the wrapper layer speaks. */
export const SPDM_CODES: Readonly<Record<SpdmMessageType, number>> = {
  GET_VERSION: 0x84,
  VERSION: 0x04,
  VENDOR_DEFINED_REQUEST: 0xfe,
  VENDOR_DEFINED_RESPONSE: 0x7e,
  ERROR: 0x7f,
};
export const SPDM_TYPES = Object.keys(SPDM_CODES) as SpdmMessageType[];

// ---- Field arbitraries ----

export const u8 = fc.integer({ min: 0, max: 0xff });
export const u16 = fc.integer({ min: 0, max: 0xffff });
export const u32 = fc.nat({ max: 0xffffffff });
export const u64 = fc.bigInt({ min: 0n, max: 0xffff_ffff_ffff_ffffn });
/** Field values people actually send next to arbitrary ones: edges of the width. */
const edgy = (max: number) => fc.oneof(fc.constantFrom(0, 1, max), fc.integer({ min: 0, max }));
const nonZero = (max: number) => fc.integer({ min: 1, max });
export const bytes = (minLength: number, maxLength = minLength) => fc.uint8Array({ minLength, maxLength });
const nonZeroBytes = (n: number) => bytes(n).filter((b) => b.some((x) => x !== 0));

/** fc.record with ordinary objects (fast-check 4 makes null-prototype ones by default; decoders do not). */
function record<T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> {
  return fc.record(model as never, { noNullPrototype: true }) as fc.Arbitrary<T>;
}

/** A record whose `optional` keys are each present or absent (never present as undefined). */
function rec<R, O>(required: { [K in keyof R]: fc.Arbitrary<R[K]> }, optionalKeys: { [K in keyof O]: fc.Arbitrary<O[K]> }): fc.Arbitrary<R & Partial<O>> {
  return fc.record({ ...required, ...optionalKeys } as never, { requiredKeys: Object.keys(required) as never, noNullPrototype: true }) as fc.Arbitrary<R & Partial<O>>;
}

// ---- TDISP (tdisp-wire.md §2, §3, §5) ----

/** function_id: 15:0 Requester ID, 23:16 segment, 24 segment valid, 31:25 reserved. */
export const functionId = rec({ requesterId: edgy(0xffff), segment: edgy(0xff), segmentValid: fc.boolean() }, { reserved: nonZero(0x7f) });
/** INTERFACE_ID: function_id and 8 reserved bytes. */
export const interfaceId = rec({ functionId }, { reserved: fc.bigInt({ min: 1n, max: 0xffff_ffff_ffff_ffffn }) });

/** `pci_tdisp_mmio_range_t`: first_page u64, number_of_pages u32, range_attributes u16, range_id u16. */
export const mmioRange: fc.Arbitrary<MmioRange> = record({ firstPage: u64, numberOfPages: u32, rangeAttributes: edgy(0xffff), rangeId: u16 });

const vendorId = bytes(0, 0xff);
const nonce = bytes(32);

/** Each TDISP message body after the 16-byte header (§3). */
const tdispBodies: { [N in TdispMessageType]: fc.Arbitrary<object> } = {
  GET_TDISP_VERSION: fc.constant({}),
  TDISP_VERSION: record({ versionNumEntries: fc.array(fc.oneof(fc.constant(0x10), u8), { maxLength: 0xff }) }),
  GET_TDISP_CAPABILITIES: record({ tsmCaps: u32 }),
  TDISP_CAPABILITIES: rec(
    { dsmCaps: u32, reqMsgSupported: bytes(16), lockInterfaceFlagsSupported: u16, devAddrWidth: u8, numReqThis: u8, numReqAll: u8 },
    { bodyReserved: nonZeroBytes(3) },
  ),
  LOCK_INTERFACE_REQUEST: rec({ flags: edgy(0xffff), defaultStreamId: u8, mmioReportingOffset: u64, bindP2pAddressMask: u64 }, { bodyReserved: nonZero(0xff) }),
  LOCK_INTERFACE_RESPONSE: record({ startInterfaceNonce: nonce }),
  GET_DEVICE_INTERFACE_REPORT: record({ offset: edgy(0xffff), length: edgy(0xffff) }),
  DEVICE_INTERFACE_REPORT: record({ remainderLength: edgy(0xffff), portion: bytes(0, 0xffff) }),
  GET_DEVICE_INTERFACE_STATE: fc.constant({}),
  DEVICE_INTERFACE_STATE: record({ tdiState: fc.oneof(fc.integer({ min: 0, max: 3 }), u8) }),
  START_INTERFACE_REQUEST: record({ startInterfaceNonce: nonce }),
  START_INTERFACE_RESPONSE: fc.constant({}),
  STOP_INTERFACE_REQUEST: fc.constant({}),
  STOP_INTERFACE_RESPONSE: fc.constant({}),
  BIND_P2P_STREAM_REQUEST: record({ p2pStreamId: u8 }),
  BIND_P2P_STREAM_RESPONSE: fc.constant({}),
  UNBIND_P2P_STREAM_REQUEST: record({ p2pStreamId: u8 }),
  UNBIND_P2P_STREAM_RESPONSE: fc.constant({}),
  SET_MMIO_ATTRIBUTE_REQUEST: record({ mmioRange }),
  SET_MMIO_ATTRIBUTE_RESPONSE: fc.constant({}),
  VDM_REQUEST: record({ registryId: u8, vendorId, vendorData: bytes(0, 64) }),
  VDM_RESPONSE: record({ registryId: u8, vendorId, vendorData: bytes(0, 64) }),
  TDISP_ERROR: rec(
    { errorCode: fc.oneof(fc.constantFrom(0x01, 0x03, 0x04, 0x05, 0x07, 0x41, 0xff, 0x101, 0x102, 0x103, 0x104), u32), errorData: u32 },
    { extendedErrorData: record({ registryId: u8, vendorId, vendorErrData: bytes(0, 32) }) },
  ),
};

/** One TDISP message of type `name`: header (version 0x10; any version for TDISP_ERROR, which echoes it) and body. */
export function tdispMessageOf(name: TdispMessageType): fc.Arbitrary<TdispMessage> {
  const header = rec({ version: name === 'TDISP_ERROR' ? fc.oneof(fc.constant(0x10), u8) : fc.constant(0x10), interfaceId }, { reserved: nonZero(0xffff) });
  return fc.tuple(header, tdispBodies[name]).map(([h, b]) => ({ ...h, messageType: name, ...b }) as TdispMessage);
}
export const tdispMessage: fc.Arbitrary<TdispMessage> = fc.oneof(...TDISP_TYPES.map(tdispMessageOf));

/** `pci_tdisp_device_interface_report_struct_t` (§5). */
export const deviceInterfaceReport: fc.Arbitrary<DeviceInterfaceReport> = rec(
  {
    interfaceInfo: edgy(0xffff),
    msiXMessageControl: u16,
    lnrControl: u16,
    tphControl: u32,
    mmioRanges: fc.array(mmioRange, { maxLength: 0xfff }),
    deviceSpecificInfo: bytes(0, 0xffff),
  },
  { reserved: nonZero(0xffff) },
);

// ---- IDE_KM (tdisp-wire.md §7) ----

/** key_sub_stream: bit 0 key set, bit 1 direction, bits 3:2 reserved, bits 7:4 sub-stream. */
export const keySubStream: fc.Arbitrary<KeySubStream> = rec(
  { keySet: fc.constantFrom('K0', 'K1'), direction: fc.constantFrom('RX', 'TX'), subStream: fc.oneof(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 15 })) },
  { reserved: nonZero(3) },
);

/** @1 reserved[2], @3 stream_id, @4 `middle`, @5 key_sub_stream, @6 port_index. */
const streamFields = <M extends Record<string, fc.Arbitrary<unknown>>>(middle: M, middleOptional: Record<string, fc.Arbitrary<unknown>> = {}) =>
  rec({ streamId: u8, ...middle, keySubStream, portIndex: u8 }, { reserved: nonZero(0xffff), ...middleOptional });

const idekmBodies: { [N in IdeKmMessageType]: fc.Arbitrary<object> } = {
  QUERY: rec({ portIndex: u8 }, { reserved: nonZero(0xff) }),
  QUERY_RESP: rec(
    { portIndex: u8, devFuncNum: u8, busNum: u8, segment: u8, maxPortIndex: u8, ideRegisterBlock: fc.array(u32, { maxLength: 80 }) },
    { reserved: nonZero(0xff) },
  ),
  KEY_PROG: fc.tuple(streamFields({}, { reserved2: nonZero(0xff) }), record({ key: bytes(32), ifv: bytes(8) })).map(([a, b]) => ({ ...a, ...b })),
  KP_ACK: streamFields({ status: fc.oneof(fc.integer({ min: 0, max: 4 }), u8) }),
  K_SET_GO: streamFields({}, { reserved2: nonZero(0xff) }),
  K_SET_STOP: streamFields({}, { reserved2: nonZero(0xff) }),
  K_SET_GOSTOP_ACK: streamFields({}, { reserved2: nonZero(0xff) }),
};

export function idekmMessageOf(name: IdeKmMessageType): fc.Arbitrary<IdeKmMessage> {
  return idekmBodies[name].map((b) => ({ objectId: name, ...b }) as IdeKmMessage);
}
export const idekmMessage: fc.Arbitrary<IdeKmMessage> = fc.oneof(...IDEKM_TYPES.map(idekmMessageOf));

// ---- SPDM (tdisp-wire.md §1b; DSP0274 GET_VERSION/VERSION/ERROR) ----

/** SPDMVersion of negotiated messages: 1.0 .. 1.15, weighted to the ones that exist. */
const spdmVersion = fc.oneof(fc.constantFrom(0x10, 0x11, 0x12, 0x13, 0x14), fc.integer({ min: 0x10, max: 0x1f }));
const nibble = fc.integer({ min: 0, max: 15 });
export const spdmVersionNumber = record({ major: nibble, minor: nibble, update: nibble, alpha: nibble });

/**
 * VENDOR_DEFINED_REQUEST/RESPONSE: param1 (bit 7 selects the large layout from SPDM 1.4 on),
 * param2 reserved, standard_id, vendor id (counted), then [reserved u16 + u32 | u16]
 * payload_length, protocol id and payload.
 */
function vendorDefinedOf(code: 'VENDOR_DEFINED_REQUEST' | 'VENDOR_DEFINED_RESPONSE', payload: fc.Arbitrary<{ protocolId: number; payload: Uint8Array }>) {
  return fc
    .tuple(
      rec({ spdmVersion, param1: edgy(0xff), standardId: fc.oneof(fc.constant(3), u16), vendorId: fc.oneof(fc.constant(Uint8Array.of(1, 0)), vendorId) }, { param2: nonZero(0xff) }),
      payload,
      fc.option(nonZero(0xffff), { nil: undefined }),
    )
    .map(([h, p, largeReserved]) => {
      const large = h.spdmVersion >= 0x14 && (h.param1 & 0x80) !== 0;
      return { ...h, code, ...p, ...(large && largeReserved !== undefined ? { largeReserved } : {}) } as SpdmMessage;
    });
}
const anyPayload = record({ protocolId: fc.oneof(fc.constantFrom(0, 1), u8), payload: bytes(0, 96) });

const spdmBodies: { [N in SpdmMessageType]: fc.Arbitrary<SpdmMessage> } = {
  GET_VERSION: rec({}, { param1: nonZero(0xff), param2: nonZero(0xff) }).map((b) => ({ spdmVersion: 0x10, code: 'GET_VERSION', ...b }) as SpdmMessage),
  VERSION: rec({ versionNumberEntries: fc.array(spdmVersionNumber, { maxLength: 0xff }) }, { param1: nonZero(0xff), param2: nonZero(0xff), reserved: nonZero(0xff) }).map(
    (b) => ({ spdmVersion: 0x10, code: 'VERSION', ...b }) as SpdmMessage,
  ),
  VENDOR_DEFINED_REQUEST: vendorDefinedOf('VENDOR_DEFINED_REQUEST', anyPayload),
  VENDOR_DEFINED_RESPONSE: vendorDefinedOf('VENDOR_DEFINED_RESPONSE', anyPayload),
  ERROR: fc
    .record({ spdmVersion, errorCode: fc.oneof(fc.constantFrom(0x01, 0x05, 0x41, 0xff), u8), errorData: u8, extendedErrorData: bytes(0, 32) })
    .map((b) => ({ ...b, code: 'ERROR' }) as SpdmMessage),
};
export const spdmMessageOf = (name: SpdmMessageType): fc.Arbitrary<SpdmMessage> => spdmBodies[name];
export const spdmMessage: fc.Arbitrary<SpdmMessage> = fc.oneof(...SPDM_TYPES.map(spdmMessageOf));

// ---- DOE (tdisp-wire.md §1a) ----

/** Whole DWs: a decoded DOE object's payload always is (the length field counts DWs). */
const dwPayload = fc.array(u32, { maxLength: 40 }).map((dws) => {
  const b = new Uint8Array(dws.length * 4);
  const view = new DataView(b.buffer);
  dws.forEach((dw, i) => view.setUint32(4 * i, dw, true));
  return b;
});

/** vendor_id, data_object_type, reserved u8, length DW (bits 31:18 reserved), payload. */
export const doeDataObject: fc.Arbitrary<DoeDataObject> = rec(
  { vendorId: fc.oneof(fc.constant(1), u16), dataObjectType: fc.oneof(fc.integer({ min: 0, max: 4 }), u8), payload: dwPayload },
  { reserved: nonZero(0xff), lengthReserved: nonZero(0x3fff) },
);

/** DOE Discovery request DW: index, version, reserved u16; response DW: vendor_id, type, next_index. */
export const doeDiscoveryRequest = rec({ index: u8, version: u8 }, { reserved: nonZero(0xffff) });
export const doeDiscoveryResponse = record({ vendorId: u16, dataObjectType: u8, nextIndex: u8 });

// ---- Whole stacks: DOE → SPDM → TDISP / IDE_KM ----

export interface Stack {
  readonly doe: DoeDataObject;
  readonly spdm: SpdmMessage;
  readonly tdisp?: TdispMessage;
  readonly idekm?: IdeKmMessage;
  /** The encoded object, as a DOE mailbox would carry it. */
  readonly bytes: Uint8Array;
}

function padded(b: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(b.length / 4) * 4);
  out.set(b);
  return out;
}

/** A PCI-SIG vendor-defined message carrying an encoded TDISP or IDE_KM message. */
const pciSigInner = fc.oneof(
  tdispMessage.map((m) => ({ tdisp: m, protocolId: 1, payload: tdisp.encode(m) })),
  idekmMessage.map((m) => ({ idekm: m, protocolId: 0, payload: idekm.encode(m) })),
);

/** Non-secured SPDM DOE objects: a PCI-SIG VDM with TDISP or IDE_KM inside, or a version/error message. */
export const stack: fc.Arbitrary<Stack> = fc
  .tuple(
    fc.oneof(
      { weight: 4, arbitrary: pciSigInner },
      { weight: 1, arbitrary: fc.constant({}) },
    ),
    fc.constantFrom('VENDOR_DEFINED_REQUEST', 'VENDOR_DEFINED_RESPONSE') as fc.Arbitrary<'VENDOR_DEFINED_REQUEST' | 'VENDOR_DEFINED_RESPONSE'>,
    spdmVersion,
    fc.oneof(fc.constant(0), fc.constant(0x80), u8),
    fc.option(nonZero(0xffff), { nil: undefined }),
    fc.oneof(spdmMessageOf('GET_VERSION'), spdmMessageOf('VERSION'), spdmMessageOf('ERROR')),
    fc.option(nonZero(0xff), { nil: undefined }),
  )
  .map(([inner, code, version, param1, largeReserved, other, doeReserved]) => {
    let spdmMessage: SpdmMessage;
    if ('payload' in inner) {
      const large = version >= 0x14 && (param1 & 0x80) !== 0;
      spdmMessage = {
        spdmVersion: version,
        code,
        param1,
        standardId: 3,
        vendorId: Uint8Array.of(1, 0),
        protocolId: inner.protocolId,
        payload: inner.payload,
        ...(large && largeReserved !== undefined ? { largeReserved } : {}),
      } as SpdmMessage;
    } else spdmMessage = other;
    const spdmBytes = spdm.encode(spdmMessage);
    // An SPDM ERROR does not state its length: the DOE's zero padding decodes as extended error data.
    if (spdmMessage.code === 'ERROR') spdmMessage = { ...spdmMessage, extendedErrorData: padded(spdmBytes).subarray(4) };
    const doe: DoeDataObject = { vendorId: 1, dataObjectType: 1, payload: spdmBytes, ...(doeReserved === undefined ? {} : { reserved: doeReserved }) };
    const bytesOut = encodeDoe(doe);
    const decodedDoe = { ...doe, payload: bytesOut.slice(8) };
    return {
      doe: decodedDoe,
      spdm: spdmMessage,
      ...('tdisp' in inner ? { tdisp: inner.tdisp } : {}),
      ...('idekm' in inner ? { idekm: inner.idekm } : {}),
      bytes: bytesOut,
    };
  });
