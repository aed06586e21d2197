import { type Codec, type Fields, type StructValue, enumOf, fixedBytes, reservedU16, reservedU8, struct, u8, u8dec } from '../codec/codec.js';
import { hexNumber } from '../codec/hex.js';
import { MessageSet, variantsOf } from '../codec/message-set.js';
import { tag } from '../codec/tag.js';
import { IDE_IFV_SIZE, IDE_KEY_SIZE, IdeKmObjectId, type IdeKmMessageType, KpAckStatus } from './codes.js';
import { keySubStreamCodec } from './key-sub-stream.js';

/** QUERY_RESP ends with the port's IDE register block: whole DWs to the end of the message. */
const registerBlock: Codec<number[]> = {
  read(r, f) {
    if (r.remaining % 4 !== 0) r.fail(f, 'length-mismatch', `${r.remaining} byte(s) are not whole DWs`);
    const out: number[] = [];
    for (let i = 0; r.remaining > 0; i++) out.push(r.u32(`${f}[${i}]`));
    return out;
  },
  write(w, v) {
    for (const dw of v) w.u32(dw);
  },
  toJson: (v) => v.map((dw) => hexNumber(dw, 8)),
  fromJson: (j) => (j as (string | number)[]).map(Number),
  schema: { type: 'array', items: { anyOf: [{ type: 'integer', minimum: 0, maximum: 0xffffffff }, { type: 'string', pattern: '^0[xX][0-9a-fA-F]{1,8}$' }] } },
};

/** Fields after object_id shared by KEY_PROG, KP_ACK and the GO/STOP family. */
const stream = <M extends Fields>(middle: M) => ({ reserved: reservedU16, streamId: u8dec, ...middle, keySubStream: keySubStreamCodec, portIndex: u8dec });

/** Message layouts after the object_id byte (pci_idekm.h). */
const bodies = {
  QUERY: { reserved: reservedU8, portIndex: u8dec },
  QUERY_RESP: {
    reserved: reservedU8,
    portIndex: u8dec,
    devFuncNum: u8,
    busNum: u8,
    segment: u8,
    maxPortIndex: u8dec,
    ideRegisterBlock: registerBlock,
  },
  KEY_PROG: { ...stream({ reserved2: reservedU8 }), key: fixedBytes(IDE_KEY_SIZE), ifv: fixedBytes(IDE_IFV_SIZE) },
  KP_ACK: stream({ status: enumOf(u8, KpAckStatus) }),
  K_SET_GO: stream({ reserved2: reservedU8 }),
  K_SET_STOP: stream({ reserved2: reservedU8 }),
  K_SET_GOSTOP_ACK: stream({ reserved2: reservedU8 }),
} satisfies Record<IdeKmMessageType, Fields>;

type Bodies = typeof bodies;
type MessageOf<N extends IdeKmMessageType> = StructValue<{ objectId: Codec<N> } & Bodies[N]>;

/** A typed IDE_KM message; `objectId` discriminates. */
export type IdeKmMessage = { [N in IdeKmMessageType]: MessageOf<N> }[IdeKmMessageType];
export type IdeKmMessageOf<N extends IdeKmMessageType> = Extract<IdeKmMessage, { objectId: N }>;

/** Every IDE_KM message. */
export const idekm = new MessageSet<IdeKmMessage, 'objectId'>(
  'idekm',
  'objectId',
  0,
  variantsOf(IdeKmObjectId, (n, code) => ({ objectId: tag(n, code), ...bodies[n] })),
);

/** KEY_PROG up to the key: what a KP_ACK echoes, readable even when the key part has the wrong length. */
export const keyProgHeaderCodec = struct({ objectId: tag('KEY_PROG', IdeKmObjectId.KEY_PROG), ...stream({ reserved2: reservedU8 }) });

/**
 * Whether `reply` is the device's acceptance of a `sent` request: a KEY_PROG is answered by a
 * KP_ACK whose status is SUCCESS, a K_SET_GO or K_SET_STOP by a K_SET_GOSTOP_ACK (IDE_KM).
 */
export function isIdeKmAccepted(sent: 'KEY_PROG' | 'K_SET_GO' | 'K_SET_STOP', reply: IdeKmMessage | undefined): boolean {
  return sent === 'KEY_PROG' ? reply?.objectId === 'KP_ACK' && reply.status === KpAckStatus.SUCCESS : reply?.objectId === 'K_SET_GOSTOP_ACK';
}
