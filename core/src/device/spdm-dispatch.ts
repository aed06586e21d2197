import {
  isPciSig,
  pciSigVendorMessage,
  PciProtocolId,
  type PciProtocolName,
  spdm,
  SPDM_VERSION_12,
  SpdmErrorCode,
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

/**
 * Answers one SPDM message. The response echoes spdm_version, the standard and vendor ids and
 * the protocol id. The device models only this message: anything else, a wrapper [E] would
 * reject (bad lengths, another registry or vendor, an unregistered protocol) or a protocol
 * failure is InvalidRequest, sent at SPDM 1.2 when the request's own version is unreadable.
 */
export function handleSpdmRequest(request: Uint8Array, protocols: PciSigProtocolHandlers): Uint8Array {
  const m = tryDecode(() => spdm.decode(request).message);
  if (!m) return invalidRequest(SPDM_VERSION_12);
  if (m.code !== 'VENDOR_DEFINED_REQUEST' || !isPciSig(m)) return invalidRequest(m.spdmVersion);
  const protocol = PROTOCOL_BY_ID.get(m.protocolId);
  const payload = protocol && protocols[protocol](m.payload);
  if (!protocol || !payload) return invalidRequest(m.spdmVersion);
  return spdm.encode(pciSigVendorMessage('VENDOR_DEFINED_RESPONSE', protocol, payload, m.spdmVersion));
}
