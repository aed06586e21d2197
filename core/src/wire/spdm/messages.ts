import { type Codec, type Fields, type SpreadCodec, type StructValue, countedBytes, enumOf, reservedU8, restBytes, struct, u16, u8, u8dec } from '../codec/codec.js';
import { WireEncodeError } from '../codec/errors.js';
import { toHex } from '../codec/hex.js';
import { MessageSet } from '../codec/message-set.js';
import { tag } from '../codec/tag.js';
import { PciProtocolId, SPDM_VDM_LARGE, SpdmErrorCode, type SpdmMessageType, SpdmRequestResponseCode } from './codes.js';

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
 * protocol id byte too.
 */
const vendorPayload: SpreadCodec<VendorPayload> = {
  read(r) {
    // param1 sits at byte 2 of every SPDM message and was read already by the enclosing struct.
    const large = ((r.bytes[2] ?? 0) & SPDM_VDM_LARGE) !== 0;
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
    const rec = v as VendorPayload & { param1: number };
    const length = 1 + rec.payload.length;
    if ((rec.param1 & SPDM_VDM_LARGE) !== 0) {
      w.u16(rec.largeReserved ?? 0);
      w.u32(length);
    } else {
      if (length > 0xffff) throw new WireEncodeError(f, `payload of ${length} bytes needs the large layout (param1 bit 7)`);
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

const bodies = {
  VENDOR_DEFINED_REQUEST: vendorDefined,
  VENDOR_DEFINED_RESPONSE: vendorDefined,
  ERROR: { errorCode: enumOf(u8, SpdmErrorCode), errorData: u8, extendedErrorData: restBytes },
} satisfies Record<SpdmMessageType, Fields>;

type MessageOf<N extends SpdmMessageType> = StructValue<{ spdmVersion: Codec<number>; code: Codec<N> } & (typeof bodies)[N]>;

/** A typed SPDM message of the kinds the PCI-SIG wrapper uses; `code` discriminates. */
export type SpdmMessage = { [N in SpdmMessageType]: MessageOf<N> }[SpdmMessageType];
export type SpdmMessageOf<N extends SpdmMessageType> = Extract<SpdmMessage, { code: N }>;

export const spdm = new MessageSet<SpdmMessage, 'code'>(
  'spdm',
  'code',
  1,
  Object.fromEntries(
    (Object.keys(SpdmRequestResponseCode) as SpdmMessageType[]).map((n) => {
      const fields: Fields = { spdmVersion: u8, code: tag(n, SpdmRequestResponseCode[n]), ...bodies[n] };
      return [n, { code: SpdmRequestResponseCode[n], codec: struct(fields) }];
    }),
  ),
);
