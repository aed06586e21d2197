// What a firmware model reads back from a response page the untrusted host filled in: the
// message if the bytes are one of that protocol, undefined if not. The host may put anything
// there, so a decode failure is an answer (the firmware refuses it), never an exception; any
// other error is a bug and propagates.
import { WireDecodeError, WireEncodeError } from './codec/errors.js';
import { fromHex } from './codec/hex.js';
import { decodeWith } from './codec/single.js';
import { DoeDataObjectType } from './doe/codes.js';
import { decodeDoe, doeDiscoveryResponseCodec } from './doe/data-object.js';
import { type IdeKmMessage, idekm } from './idekm/messages.js';
import { type TdispMessage, tdisp } from './tdisp/messages.js';

function orUndefined<T>(decode: () => T): T | undefined {
  try {
    return decode();
  } catch (e) {
    // WireEncodeError: the page does not even hold hex (fromHex).
    if (e instanceof WireDecodeError || e instanceof WireEncodeError) return undefined;
    throw e;
  }
}

/** The TDISP message in `hex` (an SPDM vendor-defined message), or undefined. */
export const readRelayedTdisp = (hex: string): TdispMessage | undefined => orUndefined(() => tdisp.decode(fromHex(hex)).message);

/** The IDE_KM message in `hex`, or undefined. */
export const readRelayedIdeKm = (hex: string): IdeKmMessage | undefined => orUndefined(() => idekm.decode(fromHex(hex)).message);

/** A DOE Discovery response object (PCIe DOE §6.30.1.1): the type at the index asked for and the next index. */
export function readRelayedDiscovery(hex: string): { dataObjectType: number; nextIndex: number } | undefined {
  return orUndefined(() => {
    const object = decodeDoe(fromHex(hex)).message;
    if (object.dataObjectType !== DoeDataObjectType.DOE_DISCOVERY) return undefined;
    const r = decodeWith(doeDiscoveryResponseCodec, 'doe', object.payload).message;
    return { dataObjectType: r.dataObjectType, nextIndex: r.nextIndex };
  });
}
