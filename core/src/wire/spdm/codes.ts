/** SPDM constants for the vendor-defined wrapper (DMTF DSP0274; libspdm spdm.h, pcidoe.h). */

export const SpdmRequestResponseCode = {
  GET_VERSION: 0x84,
  VERSION: 0x04,
  VENDOR_DEFINED_REQUEST: 0xfe,
  VENDOR_DEFINED_RESPONSE: 0x7e,
  ERROR: 0x7f,
} as const;
export type SpdmMessageType = keyof typeof SpdmRequestResponseCode;

/** SPDM ERROR error codes (param1). */
export const SpdmErrorCode = {
  InvalidRequest: 0x01,
  Busy: 0x03,
  UnexpectedRequest: 0x04,
  Unspecified: 0x05,
  DecryptError: 0x06,
  UnsupportedRequest: 0x07,
  RequestInFlight: 0x08,
  InvalidResponseCode: 0x09,
  SessionLimitExceeded: 0x0a,
  SessionRequired: 0x0b,
  ResetRequired: 0x0c,
  ResponseTooLarge: 0x0d,
  RequestTooLarge: 0x0e,
  LargeResponse: 0x0f,
  MessageLost: 0x10,
  VersionMismatch: 0x41,
  ResponseNotReady: 0x42,
  RequestResynch: 0x43,
  OperationFailed: 0x44,
  NoPendingRequests: 0x45,
  VendorDefined: 0xff,
} as const;

/** SPDM standards-body registry id of the PCI-SIG (SPDM_REGISTRY_ID_PCISIG). */
export const SPDM_REGISTRY_ID_PCISIG = 0x0003;
/** The PCI-SIG's vendor id in that registry (SPDM_VENDOR_ID_PCISIG). */
export const SPDM_VENDOR_ID_PCISIG = 0x0001;

/** Protocol ids carried as the first byte of a PCI-SIG vendor-defined payload. */
export const PciProtocolId = { IDE_KM: 0x00, TDISP: 0x01 } as const;
export type PciProtocolName = keyof typeof PciProtocolId;

/** param1 bit 7: LargeReq/LargeResp, the SPDM 1.4 layout with a 32-bit payload length. */
export const SPDM_VDM_LARGE = 0x80;
/** The first SPDM version whose vendor-defined messages have the large layout (param1 is reserved before). */
export const SPDM_VERSION_14 = 0x14;
/** GET_VERSION and VERSION always carry SPDMVersion 1.0 (DSP0274 GET_VERSION; libspdm SPDM_MESSAGE_VERSION_10). */
export const SPDM_VERSION_10 = 0x10;
/** The SPDM version teeio speaks by default on the wrapper. */
export const SPDM_VERSION_12 = 0x12;
