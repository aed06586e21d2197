import type { Codec } from '../codec/codec.js';
import { WireEncodeError } from '../codec/errors.js';
import { hexNumber } from '../codec/hex.js';
import { IDE_DIRECTIONS, IDE_SUB_STREAMS, type IdeDirection, type IdeKeySet, IdeSubStream } from './codes.js';

/**
 * The key_sub_stream byte: bit 0 key set (K0/K1), bit 1 direction (RX/TX), bits 3:2 reserved,
 * bits 7:4 sub-stream (0 PR, 1 NPR, 2 CPL).
 */
export interface KeySubStream {
  keySet: IdeKeySet;
  direction: IdeDirection;
  subStream: number;
  /** Bits 3:2, present only when non-zero. */
  reserved?: number;
}

const SUB_NAMES = new Map<number, string>(Object.entries(IdeSubStream).map(([k, v]) => [v, k]));

export function subStreamName(n: number): string {
  return SUB_NAMES.get(n) ?? hexNumber(n);
}

export const keySubStreamCodec: Codec<KeySubStream> = {
  read(r, f) {
    const at = r.offset;
    const v = r.u8(f);
    const out: KeySubStream = { keySet: v & 1 ? 'K1' : 'K0', direction: v & 2 ? 'TX' : 'RX', subStream: v >>> 4 };
    const reserved = (v >>> 2) & 3;
    if (reserved !== 0) {
      r.reserved(`${f}.reserved`, at, hexNumber(reserved));
      out.reserved = reserved;
    }
    return out;
  },
  write(w, v, f) {
    const { subStream, reserved = 0 } = v;
    if (!Number.isInteger(subStream) || subStream < 0 || subStream > 15) throw new WireEncodeError(`${f}.subStream`, `${subStream} does not fit in 4 bits`);
    if (!Number.isInteger(reserved) || reserved < 0 || reserved > 3) throw new WireEncodeError(`${f}.reserved`, `${reserved} does not fit in 2 bits`);
    w.u8((v.keySet === 'K1' ? 1 : 0) | (v.direction === 'TX' ? 2 : 0) | (reserved << 2) | (subStream << 4));
  },
  toJson: (v) => ({
    keySet: v.keySet,
    direction: v.direction,
    subStream: subStreamName(v.subStream),
    ...(v.reserved === undefined ? {} : { reserved: v.reserved }),
  }),
  fromJson(j) {
    const o = j as { keySet: IdeKeySet; direction: IdeDirection; subStream: string | number; reserved?: number };
    const sub = typeof o.subStream === 'string' && o.subStream in IdeSubStream ? IdeSubStream[o.subStream as keyof typeof IdeSubStream] : Number(o.subStream);
    const out: KeySubStream = { keySet: o.keySet, direction: o.direction, subStream: sub };
    if (o.reserved !== undefined) out.reserved = o.reserved;
    return out;
  },
  schema: {
    type: 'object',
    properties: {
      keySet: { enum: ['K0', 'K1'] },
      direction: { enum: ['RX', 'TX'] },
      subStream: { anyOf: [{ enum: Object.keys(IdeSubStream) }, { type: 'integer', minimum: 0, maximum: 15 }, { type: 'string', pattern: '^0[xX][0-9a-fA-F]$' }] },
      reserved: { type: 'integer', minimum: 0, maximum: 3 },
    },
    required: ['keySet', 'direction', 'subStream'],
    additionalProperties: false,
  },
};

/**
 * The slots a TSM programs when it sets a stream up: key set K0 in each direction for each
 * sub-stream (IDE_KM: a KEY_PROG, then a K_SET_GO, per slot), RX before TX as the TSMs send them.
 */
export const K0_KEY_SLOTS: readonly KeySubStream[] = IDE_DIRECTIONS.flatMap((direction) =>
  IDE_SUB_STREAMS.map((sub) => ({ keySet: 'K0' as const, direction, subStream: IdeSubStream[sub] })),
);
