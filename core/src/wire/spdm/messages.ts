import { type Codec, type Fields, type SpreadCodec, type StructValue, countedArray, countedBytes, enumOf, reservedU8, restBytes, u16, u8, u8dec } from '../codec/codec.js';
import { WireEncodeError } from '../codec/errors.js';
import { toHex } from '../codec/hex.js';
import { MessageSet, variantsOf } from '../codec/message-set.js';
import { expectMajor, expectU8, tag } from '../codec/tag.js';
import {
  PciProtocolId,
  SPDM_VDM_LARGE,
  SPDM_VERSION_10,
  SPDM_VERSION_14,
  SpdmErrorCode,
  type SpdmMessageType,
  SpdmRequestResponseCode,
} from './codes.js';

const protocolId = enumOf(u8, PciProtocolId);

interface VendorPayload {
  /** Present only in the large layout: the u16 reserved before the 32-bit length. */
  largeReserved?: number;
  protocolId: number;
  payload: Uint8Array;
}

/**
 * payload_length (u16; or reserved u16 + u32 when param1 bit 7 selects the SPDM 1.4 large
 * layout), then the PCI-SIG protocol id and the protocol message. payload_length counts the
 * protocol id byte too. Before SPDM 1.4 param1 is reserved and bit 7 selects nothing.
 */
const vendorPayload: SpreadCodec<VendorPayload> = {
  read(r) {
    // spdm_version and param1 sit at bytes 0 and 2 and were read already by the enclosing struct.
    const large = (r.bytes[0] ?? 0) >= SPDM_VERSION_14 && ((r.bytes[2] ?? 0) & SPDM_VDM_LARGE) !== 0;
    const out: Partial<VendorPayload> = {};
    let at = r.offset;
    let length: number;
    if (large) {
      const reserved = r.u16('largeReserved');
      if (reserved !== 0) {
        r.reserved('largeReserved', at, String(reserved));
        out.largeReserved = reserved;
      }
      at = r.offset;
      length = r.u32('payloadLength');
    } else {
      length = r.u16('payloadLength');
    }
    if (length < 1) r.fail('payloadLength', 'invalid-value', 'payload_length 0 leaves no protocol id', at);
    if (length !== r.remaining) r.fail('payloadLength', 'length-mismatch', `payload_length ${length} but ${r.remaining} byte(s) follow`, at);
    out.protocolId = r.u8('protocolId');
    out.payload = r.bytesOf(r.remaining, 'payload');
    return out as VendorPayload;
  },
  write(w, v, f) {
    const rec = v as VendorPayload & { spdmVersion: number; param1: number };
    const length = 1 + rec.payload.length;
    if (rec.spdmVersion >= SPDM_VERSION_14 && (rec.param1 & SPDM_VDM_LARGE) !== 0) {
      w.u16(rec.largeReserved ?? 0);
      w.u32(length);
    } else {
      if (length > 0xffff) throw new WireEncodeError(f, `payload of ${length} bytes needs the large layout (SPDM 1.4, param1 bit 7)`);
      w.u16(length);
    }
    protocolId.write(w, rec.protocolId, 'protocolId');
    w.bytes(rec.payload);
  },
  toJson: (v) => ({
    ...(v.largeReserved === undefined ? {} : { largeReserved: v.largeReserved }),
    payloadLength: 1 + v.payload.length,
    protocolId: protocolId.toJson(v.protocolId),
    payload: toHex(v.payload),
  }),
  fromJson(j) {
    const o = j as { largeReserved?: number; protocolId: unknown; payload: unknown };
    const out: VendorPayload = { protocolId: protocolId.fromJson(o.protocolId), payload: restBytes.fromJson(o.payload) };
    if (o.largeReserved !== undefined) out.largeReserved = o.largeReserved;
    return out;
  },
  schema: {
    type: 'object',
    properties: {
      largeReserved: { type: 'integer', minimum: 0, maximum: 0xffff },
      payloadLength: { type: 'integer', minimum: 1 },
      protocolId: protocolId.schema,
      payload: restBytes.schema,
    },
    required: ['protocolId', 'payload'],
  },
  spread: true,
};

/** VENDOR_DEFINED_REQUEST/RESPONSE (`pci_doe_spdm_vendor_defined_request_t`). */
const vendorDefined = {
  param1: u8,
  param2: reservedU8,
  standardId: u16,
  vendorId: countedBytes(u8dec, 0xff),
  body: vendorPayload,
};

/** VERSION's VersionNumberEntry (DSP0274, u16): bits 15:12 major, 11:8 minor, 7:4 update, 3:0 alpha. */
export interface SpdmVersionNumber {
  major: number;
  minor: number;
  update: number;
  alpha: number;
}

const NIBBLES = ['major', 'minor', 'update', 'alpha'] as const;
const nibble = { type: 'integer', minimum: 0, maximum: 15 };

export const spdmVersionNumberCodec: Codec<SpdmVersionNumber> = {
  read(r, f) {
    const v = r.u16(f);
    return { major: v >>> 12, minor: (v >>> 8) & 0xf, update: (v >>> 4) & 0xf, alpha: v & 0xf };
  },
  write(w, v, f) {
    for (const k of NIBBLES) if (!Number.isInteger(v[k]) || v[k] < 0 || v[k] > 15) throw new WireEncodeError(f, `${k} ${v[k]} does not fit in 4 bits`);
    w.u16((v.major << 12) | (v.minor << 8) | (v.update << 4) | v.alpha);
  },
  toJson: (v) => ({ major: v.major, minor: v.minor, update: v.update, alpha: v.alpha }),
  fromJson(j) {
    const o = j as SpdmVersionNumber;
    return { major: o.major, minor: o.minor, update: o.update, alpha: o.alpha };
  },
  schema: { type: 'object', properties: { major: nibble, minor: nibble, update: nibble, alpha: nibble }, required: [...NIBBLES], additionalProperties: false },
};

/** Message layouts after spdm_version and the request/response code (DSP0274; libspdm spdm.h). */
const bodies = {
  GET_VERSION: { param1: reservedU8, param2: reservedU8 },
  VERSION: {
    param1: reservedU8,
    param2: reservedU8,
    reserved: reservedU8,
    versionNumberEntries: countedArray(u8dec, 0xff, spdmVersionNumberCodec, 2),
  },
  VENDOR_DEFINED_REQUEST: vendorDefined,
  VENDOR_DEFINED_RESPONSE: vendorDefined,
  ERROR: { errorCode: enumOf(u8, SpdmErrorCode), errorData: u8, extendedErrorData: restBytes },
} satisfies Record<SpdmMessageType, Fields>;

type MessageOf<N extends SpdmMessageType> = StructValue<{ spdmVersion: Codec<number>; code: Codec<N> } & (typeof bodies)[N]>;

/**
 * SPDMVersion: GET_VERSION and VERSION are always 1.0; later messages carry the negotiated 1.x
 * (major version in bits 7:4). Another major version is a layout this codec does not know.
 */
function spdmVersion(name: SpdmMessageType): Codec<number> {
  return name === 'GET_VERSION' || name === 'VERSION' ? expectU8(SPDM_VERSION_10, 'SPDM version') : expectMajor(1, 'SPDM version');
}

/** A typed SPDM message: version negotiation and the kinds the PCI-SIG wrapper uses; `code` discriminates. */
export type SpdmMessage = { [N in SpdmMessageType]: MessageOf<N> }[SpdmMessageType];
export type SpdmMessageOf<N extends SpdmMessageType> = Extract<SpdmMessage, { code: N }>;

export const spdm = new MessageSet<SpdmMessage, 'code'>(
  'spdm',
  'code',
  1,
  variantsOf(SpdmRequestResponseCode, (n, code) => ({ spdmVersion: spdmVersion(n), code: tag(n, code), ...bodies[n] })),
);
