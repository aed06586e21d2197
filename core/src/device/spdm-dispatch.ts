import {
  isPciSig,
  pciSigVendorMessage,
  PciProtocolId,
  type PciProtocolName,
  spdm,
  SPDM_VERSION_12,
  SpdmErrorCode,
  SpdmRequestResponseCode,
} from '../wire/index.js';
import { tryDecode } from './try-decode.js';

/**
 * The SPDM side of the DSM: PCI-SIG VENDOR_DEFINED_REQUESTs carrying TDISP or IDE_KM. Each
 * protocol handler returns its response, or undefined when it cannot answer.
 */
export type PciSigProtocolHandlers = Readonly<Record<PciProtocolName, (payload: Uint8Array) => Uint8Array | undefined>>;

const PROTOCOL_BY_ID = new Map<number, PciProtocolName>(Object.entries(PciProtocolId).map(([name, id]) => [id, name as PciProtocolName]));

/** [E] spdm_responder_session.c answers every wrapper or IDE_KM failure with ERROR InvalidRequest. */
function invalidRequest(spdmVersion: number): Uint8Array {
  return spdm.encode({ spdmVersion, code: 'ERROR', errorCode: SpdmErrorCode.InvalidRequest, errorData: 0, extendedErrorData: new Uint8Array() });
}

/** SPDM request codes have bit 7 set; response codes (a response sent as a request) do not. */
const SPDM_REQUEST_BIT = 0x80;

/**
 * A request the device does not implement (any request code but VENDOR_DEFINED_REQUEST): SPDM ERROR
 * UnsupportedRequest, its error data the request's code, so a requester can name what failed.
 */
function unsupportedRequest(spdmVersion: number, code: number): Uint8Array {
  return spdm.encode({ spdmVersion, code: 'ERROR', errorCode: SpdmErrorCode.UnsupportedRequest, errorData: code, extendedErrorData: new Uint8Array() });
}

/** The SPDM header is 4 bytes: version, request code, param1, param2. */
const SPDM_HEADER_SIZE = 4;

/**
 * Answers one SPDM message. The response echoes spdm_version, the standard and vendor ids and
 * the protocol id. The device models only this message: anything else, a wrapper [E] would
 * reject (bad lengths, another registry or vendor, an unregistered protocol) or a protocol
 * failure is InvalidRequest, sent at SPDM 1.2 when the request's own version is unreadable.
 */
export function handleSpdmRequest(request: Uint8Array, protocols: PciSigProtocolHandlers): Uint8Array {
  // Indexed, not destructured: destructuring a Uint8Array runs its iterator, on every exchange.
  const version = request[0] ?? 0;
  const code = request[1] ?? 0;
  const spdm1 = version >> 4 === 1;
  if (request.length >= SPDM_HEADER_SIZE && spdm1 && (code & SPDM_REQUEST_BIT) !== 0 && code !== SpdmRequestResponseCode.VENDOR_DEFINED_REQUEST) {
    return unsupportedRequest(version, code);
  }
  const m = tryDecode(() => spdm.decode(request).message);
  if (!m) return invalidRequest(SPDM_VERSION_12);
  if (m.code !== 'VENDOR_DEFINED_REQUEST' || !isPciSig(m)) return invalidRequest(m.spdmVersion);
  const protocol = PROTOCOL_BY_ID.get(m.protocolId);
  const payload = protocol && protocols[protocol](m.payload);
  if (!protocol || !payload) return invalidRequest(m.spdmVersion);
  return spdm.encode(pciSigVendorMessage('VENDOR_DEFINED_RESPONSE', protocol, payload, m.spdmVersion));
}
