import { PCI_DOE_VENDOR_ID_PCISIG, DoeDataObjectType } from '../doe/codes.js';
import type { DoeDataObject } from '../doe/data-object.js';
import { PciProtocolId, type PciProtocolName, SPDM_REGISTRY_ID_PCISIG, SPDM_VENDOR_ID_PCISIG, SPDM_VERSION_12 } from './codes.js';
import type { SpdmMessageOf } from './messages.js';

/** The PCI-SIG vendor id as the 2 little-endian bytes the wrapper carries. */
const PCISIG_VENDOR_ID = new Uint8Array([SPDM_VENDOR_ID_PCISIG & 0xff, SPDM_VENDOR_ID_PCISIG >> 8]);

/** A PCI-SIG VENDOR_DEFINED_REQUEST or _RESPONSE carrying one TDISP or IDE_KM message. */
export function pciSigVendorMessage<C extends 'VENDOR_DEFINED_REQUEST' | 'VENDOR_DEFINED_RESPONSE'>(
  code: C,
  protocol: PciProtocolName,
  payload: Uint8Array,
  spdmVersion = SPDM_VERSION_12,
): SpdmMessageOf<C> {
  return { spdmVersion, code, param1: 0, standardId: SPDM_REGISTRY_ID_PCISIG, vendorId: PCISIG_VENDOR_ID.slice(), protocolId: PciProtocolId[protocol], payload } as SpdmMessageOf<C>;
}

/** Whether a vendor-defined message is addressed to the PCI-SIG registry and vendor. */
export function isPciSig(m: { standardId: number; vendorId: Uint8Array }): boolean {
  return m.standardId === SPDM_REGISTRY_ID_PCISIG && m.vendorId.length === 2 && m.vendorId[0] === PCISIG_VENDOR_ID[0] && m.vendorId[1] === PCISIG_VENDOR_ID[1];
}

/** A non-secured SPDM DOE data object around `spdmMessage`. */
export function spdmDataObject(spdmMessage: Uint8Array): DoeDataObject {
  return { vendorId: PCI_DOE_VENDOR_ID_PCISIG, dataObjectType: DoeDataObjectType.SPDM, payload: spdmMessage };
}
