import { type ReservedWarning, WireDecodeError, type WireLayer } from './codec/errors.js';
import { readU16, readU32 } from './codec/le.js';
import type { Decoded } from './codec/message-set.js';
import type { DecodeOptions } from './codec/reader.js';
import { V8_HEAP_BYTES, allocBytes } from './codec/writer.js';
import { DOE_HEADER_SIZE, DoeDataObjectType } from './doe/codes.js';
import { type DoeDataObject, decodeDoe } from './doe/data-object.js';
import { type IdeKmMessage, idekm } from './idekm/messages.js';
import { PciProtocolId, SPDM_VDM_LARGE, SPDM_VERSION_14, SpdmRequestResponseCode } from './spdm/codes.js';
import { type SpdmMessage, spdm } from './spdm/messages.js';
import { isPciSig } from './spdm/pcisig.js';
import { type TdispMessage, tdisp } from './tdisp/messages.js';
import { type DeviceInterfaceReport, decodeDeviceInterfaceReport } from './tdisp/report.js';

/** Each layer's decoded message, outermost first, as far down as the bytes go. */
export interface DecodedStack {
  doe?: DoeDataObject;
  spdm?: SpdmMessage;
  tdisp?: TdispMessage;
  idekm?: IdeKmMessage;
  report?: DeviceInterfaceReport;
  warnings: ReservedWarning[];
}

export const STACK_LAYERS: readonly WireLayer[] = ['doe', 'spdm', 'tdisp', 'idekm', 'report'];

/** Runs `decode` on bytes that sit at `base` in the outer buffer, so errors and warnings point into it. */
function at<M>(base: number, decode: () => Decoded<M>, into: DecodedStack): M {
  try {
    const d = decode();
    into.warnings.push(...d.warnings.map((w) => ({ ...w, offset: w.offset + base })));
    return d.message;
  } catch (e) {
    throw e instanceof WireDecodeError ? e.shifted(base) : e;
  }
}

/** Where an SPDM message that states its own length ends, or undefined (it runs to the end). */
function spdmEnd(payload: Uint8Array): number | undefined {
  const code = payload[1];
  // VERSION: 6 bytes, then VersionNumberEntryCount (byte 5) entries of 2 bytes.
  if (code === SpdmRequestResponseCode.VERSION) return payload.length < 6 ? undefined : 6 + 2 * (payload[5] ?? 0);
  if ((code !== SpdmRequestResponseCode.VENDOR_DEFINED_REQUEST && code !== SpdmRequestResponseCode.VENDOR_DEFINED_RESPONSE) || payload.length < 7) return undefined;
  const lenAt = 7 + (payload[6] ?? 0);
  const large = (payload[0] ?? 0) >= SPDM_VERSION_14 && ((payload[2] ?? 0) & SPDM_VDM_LARGE) !== 0;
  const headerEnd = lenAt + (large ? 6 : 2);
  if (payload.length < headerEnd) return undefined;
  return headerEnd + (large ? readU32(payload, lenAt + 2) : readU16(payload, lenAt));
}

/**
 * The SPDM message inside a DOE payload, without the DOE's DW padding. VERSION and a
 * vendor-defined message state their own length; any other message runs to the end of the payload.
 */
export function spdmInDoe(payload: Uint8Array): Uint8Array {
  const end = spdmEnd(payload);
  // Only up to 3 bytes of zero padding may follow; anything else is the SPDM layer's to reject.
  if (end === undefined || end > payload.length || payload.length - end >= 4) return payload;
  // Every exchange passes here twice: a loop, not a view and a callback per byte, and a copy of
  // the message only when there is padding to leave out. Not a view: V8 keeps a small array on
  // its heap until something asks for its buffer, and a view does, moving it (4× the copy).
  for (let i = end; i < payload.length; i++) if (payload[i] !== 0) return payload;
  if (end === payload.length) return payload;
  // A longer one would get an ArrayBuffer of its own (30× a small copy); what is returned here is
  // decoded at once and never kept, so a piece of the encoders' slab serves.
  const copy = end > V8_HEAP_BYTES ? allocBytes(end) : new Uint8Array(end);
  for (let i = 0; i < end; i++) copy[i] = payload[i] as number;
  return copy;
}

function fromSpdm(bytes: Uint8Array, base: number, out: DecodedStack, options?: DecodeOptions): void {
  const m = at(base, () => spdm.decode(bytes, options), out);
  out.spdm = m;
  // Only a PCI-SIG vendor-defined message carries TDISP or IDE_KM; another vendor's payload is opaque.
  if ((m.code !== 'VENDOR_DEFINED_REQUEST' && m.code !== 'VENDOR_DEFINED_RESPONSE') || !isPciSig(m)) return;
  const inner = base + bytes.length - m.payload.length;
  if (m.protocolId === PciProtocolId.TDISP) out.tdisp = at(inner, () => tdisp.decode(m.payload, options), out);
  else if (m.protocolId === PciProtocolId.IDE_KM) out.idekm = at(inner, () => idekm.decode(m.payload, options), out);
}

/**
 * Decodes `bytes` as a message of layer `from` and every layer it carries: a DOE object's SPDM
 * message, a PCI-SIG vendor-defined message's TDISP or IDE_KM message. Secured SPDM payloads
 * are encrypted records and are left as bytes.
 */
export function decodeStack(bytes: Uint8Array, from: WireLayer, options?: DecodeOptions): DecodedStack {
  const out: DecodedStack = { warnings: [] };
  switch (from) {
    case 'doe': {
      const d = at(0, () => decodeDoe(bytes, options), out);
      out.doe = d;
      if (d.dataObjectType === DoeDataObjectType.SPDM) fromSpdm(spdmInDoe(d.payload), DOE_HEADER_SIZE, out, options);
      break;
    }
    case 'spdm':
      fromSpdm(bytes, 0, out, options);
      break;
    case 'tdisp':
      out.tdisp = at(0, () => tdisp.decode(bytes, options), out);
      break;
    case 'idekm':
      out.idekm = at(0, () => idekm.decode(bytes, options), out);
      break;
    case 'report':
      out.report = at(0, () => decodeDeviceInterfaceReport(bytes, options), out);
      break;
  }
  return out;
}
