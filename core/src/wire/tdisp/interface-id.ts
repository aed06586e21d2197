import { type Codec, reservedU64, struct } from '../codec/codec.js';
import { WireEncodeError } from '../codec/errors.js';
import { hexNumber } from '../codec/hex.js';

/**
 * The 32-bit function_id of a TDISP INTERFACE_ID: bits 15:0 Requester ID (bus 15:8, device 7:3,
 * function 2:0), 23:16 Requester Segment, 24 Requester Segment Valid, 31:25 reserved.
 */
export interface FunctionId {
  requesterId: number;
  segment: number;
  segmentValid: boolean;
  /** Bits 31:25, present only when non-zero. */
  reserved?: number;
}

export const functionIdCodec: Codec<FunctionId> = {
  read(r, f) {
    const at = r.offset;
    const v = r.u32(f);
    const out: FunctionId = { requesterId: v & 0xffff, segment: (v >>> 16) & 0xff, segmentValid: ((v >>> 24) & 1) === 1 };
    const reserved = v >>> 25;
    if (reserved !== 0) {
      r.reserved(`${f}.reserved`, at, hexNumber(reserved));
      out.reserved = reserved;
    }
    return out;
  },
  write(w, v, f) {
    const { requesterId: rid, segment: seg, reserved = 0 } = v;
    if (!Number.isInteger(rid) || rid < 0 || rid > 0xffff) throw new WireEncodeError(`${f}.requesterId`, `${rid} does not fit in 16 bits`);
    if (!Number.isInteger(seg) || seg < 0 || seg > 0xff) throw new WireEncodeError(`${f}.segment`, `${seg} does not fit in 8 bits`);
    if (!Number.isInteger(reserved) || reserved < 0 || reserved > 0x7f) throw new WireEncodeError(`${f}.reserved`, `${reserved} does not fit in 7 bits`);
    w.u32((rid | (seg << 16) | ((v.segmentValid ? 1 : 0) << 24) | (reserved << 25)) >>> 0);
  },
  toJson: (v) => ({
    requesterId: hexNumber(v.requesterId, 4),
    segment: hexNumber(v.segment, 2),
    segmentValid: v.segmentValid,
    ...(v.reserved === undefined ? {} : { reserved: hexNumber(v.reserved, 2) }),
  }),
  fromJson(j) {
    const o = j as Record<string, string | number | boolean>;
    const out: FunctionId = { requesterId: Number(o['requesterId']), segment: Number(o['segment']), segmentValid: o['segmentValid'] === true };
    if (o['reserved'] !== undefined) out.reserved = Number(o['reserved']);
    return out;
  },
  schema: {
    type: 'object',
    properties: {
      requesterId: { anyOf: [{ type: 'integer', minimum: 0, maximum: 0xffff }, { type: 'string', pattern: '^0[xX][0-9a-fA-F]{1,4}$' }] },
      segment: { anyOf: [{ type: 'integer', minimum: 0, maximum: 0xff }, { type: 'string', pattern: '^0[xX][0-9a-fA-F]{1,2}$' }] },
      segmentValid: { type: 'boolean' },
      reserved: { anyOf: [{ type: 'integer', minimum: 0, maximum: 0x7f }, { type: 'string', pattern: '^0[xX][0-7]?[0-9a-fA-F]$' }] },
    },
    required: ['requesterId', 'segment', 'segmentValid'],
    additionalProperties: false,
  },
};

/** INTERFACE_ID: function_id followed by 8 reserved bytes. */
export const interfaceIdCodec = struct({ functionId: functionIdCodec, reserved: reservedU64 });
export type InterfaceId = ReturnType<typeof interfaceIdCodec.read>;

/** Requester ID as the conventional bus:device.function text. */
export function formatRequesterId(rid: number): string {
  const bus = (rid >> 8) & 0xff;
  const dev = (rid >> 3) & 0x1f;
  const fn = rid & 0x7;
  return `${bus.toString(16).padStart(2, '0')}:${dev.toString(16).padStart(2, '0')}.${fn}`;
}

/** The INTERFACE_ID of a TDI at `requesterId`, with no segment. */
export function interfaceIdOf(requesterId: number, segment?: number): InterfaceId {
  return { functionId: { requesterId, segment: segment ?? 0, segmentValid: segment !== undefined } };
}
