import { type SpreadCodec, enumOf, reservedU16, reservedU8, restBytes, struct, u16, u8 } from '../codec/codec.js';
import { WireEncodeError } from '../codec/errors.js';
import { hexNumber } from '../codec/hex.js';
import type { DecodeOptions } from '../codec/reader.js';
import { decodeWith, encodeWith } from '../codec/single.js';
import { DOE_HEADER_SIZE, DOE_LENGTH_MASK, DOE_MAX_DW, DoeDataObjectType } from './codes.js';

/**
 * DW1 bits 31:18 are reserved; bits 17:0 give the object's length in DW including the 2-DW
 * header, 0 meaning 2^18. The typed object carries no length: it is the payload's, padded.
 */
const lengthDw: SpreadCodec<{ lengthReserved?: number }> = {
  read(r, f) {
    const at = r.offset;
    const dw = r.u32(f);
    const n = dw & DOE_LENGTH_MASK || DOE_MAX_DW;
    if (n * 4 !== r.bytes.length) r.fail('length', 'length-mismatch', `header says ${n} DW (${n * 4} bytes), buffer has ${r.bytes.length}`, at);
    const reserved = dw >>> 18;
    if (reserved === 0) return {};
    r.reserved('lengthReserved', at, hexNumber(reserved));
    return { lengthReserved: reserved };
  },
  write(w, v, f) {
    const rec = v as { lengthReserved?: number; payload: Uint8Array };
    const dws = DOE_HEADER_SIZE / 4 + Math.ceil(rec.payload.length / 4);
    if (dws > DOE_MAX_DW) throw new WireEncodeError(f, `${dws} DW exceed the 2^18 DW a data object can hold`);
    const reserved = rec.lengthReserved ?? 0;
    if (!Number.isInteger(reserved) || reserved < 0 || reserved > 0x3fff) throw new WireEncodeError('lengthReserved', `${reserved} does not fit in 14 bits`);
    w.u32(((dws & DOE_LENGTH_MASK) | (reserved << 18)) >>> 0);
  },
  toJson: (v) => (v.lengthReserved === undefined ? {} : { lengthReserved: hexNumber(v.lengthReserved, 4) }),
  fromJson: (j) => {
    const o = j as { lengthReserved?: string | number };
    return o.lengthReserved === undefined ? {} : { lengthReserved: Number(o.lengthReserved) };
  },
  schema: { type: 'object', properties: { lengthReserved: { anyOf: [{ type: 'integer', minimum: 0, maximum: 0x3fff }, { type: 'string', pattern: '^0[xX][0-9a-fA-F]{1,4}$' }] } }, required: [] },
  spread: true,
};

/** The payload, zero-padded to a whole DW on encode (libspdm LIBSPDM_PCI_DOE_ALIGNMENT 4). */
const paddedPayload: typeof restBytes = {
  ...restBytes,
  write(w, v) {
    w.bytes(v);
    for (let i = v.length; i % 4 !== 0; i++) w.u8(0);
  },
};

/** A PCI DOE data object: the 2-DW header and its payload. */
export const doeDataObjectCodec = struct({
  vendorId: u16,
  dataObjectType: enumOf(u8, DoeDataObjectType),
  reserved: reservedU8,
  length: lengthDw,
  payload: paddedPayload,
});
export type DoeDataObject = ReturnType<typeof doeDataObjectCodec.read>;

export const decodeDoe = (bytes: Uint8Array, options?: DecodeOptions) => decodeWith(doeDataObjectCodec, 'doe', bytes, options);
export const encodeDoe = (object: DoeDataObject) => encodeWith(doeDataObjectCodec, object);

/** DOE Discovery request DW: index of the entry asked for, and the discovery version. */
export const doeDiscoveryRequestCodec = struct({ index: u8, version: u8, reserved: reservedU16 });
/** DOE Discovery response DW: one supported (vendor, type) and the index of the next entry (0 ends). */
export const doeDiscoveryResponseCodec = struct({ vendorId: u16, dataObjectType: enumOf(u8, DoeDataObjectType), nextIndex: u8 });
