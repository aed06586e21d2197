/**
 * TDISP constants (PCIe 6.1 §11.3; values as in DMTF libspdm include/industry_standard/pci_tdisp.h,
 * identical in Project Cerberus tdisp_protocol.h and spdm-rs pci_tdisp.rs).
 */

/** TDISP 1.0: major version in the high nibble. */
export const TDISP_VERSION_10 = 0x10;

export const TdispRequestCode = {
  GET_TDISP_VERSION: 0x81,
  GET_TDISP_CAPABILITIES: 0x82,
  LOCK_INTERFACE_REQUEST: 0x83,
  GET_DEVICE_INTERFACE_REPORT: 0x84,
  GET_DEVICE_INTERFACE_STATE: 0x85,
  START_INTERFACE_REQUEST: 0x86,
  STOP_INTERFACE_REQUEST: 0x87,
  BIND_P2P_STREAM_REQUEST: 0x88,
  UNBIND_P2P_STREAM_REQUEST: 0x89,
  SET_MMIO_ATTRIBUTE_REQUEST: 0x8a,
  VDM_REQUEST: 0x8b,
} as const;

export const TdispResponseCode = {
  TDISP_VERSION: 0x01,
  TDISP_CAPABILITIES: 0x02,
  LOCK_INTERFACE_RESPONSE: 0x03,
  DEVICE_INTERFACE_REPORT: 0x04,
  DEVICE_INTERFACE_STATE: 0x05,
  START_INTERFACE_RESPONSE: 0x06,
  STOP_INTERFACE_RESPONSE: 0x07,
  BIND_P2P_STREAM_RESPONSE: 0x08,
  UNBIND_P2P_STREAM_RESPONSE: 0x09,
  SET_MMIO_ATTRIBUTE_RESPONSE: 0x0a,
  VDM_RESPONSE: 0x0b,
  TDISP_ERROR: 0x7f,
} as const;

export type TdispRequestType = keyof typeof TdispRequestCode;
export type TdispResponseType = keyof typeof TdispResponseCode;
export type TdispMessageType = TdispRequestType | TdispResponseType;

/** ERROR response error codes. */
export const TdispErrorCode = {
  INVALID_REQUEST: 0x0001,
  BUSY: 0x0003,
  INVALID_INTERFACE_STATE: 0x0004,
  UNSPECIFIED: 0x0005,
  UNSUPPORTED_REQUEST: 0x0007,
  VERSION_MISMATCH: 0x0041,
  VENDOR_SPECIFIC_ERROR: 0x00ff,
  INVALID_INTERFACE: 0x0101,
  INVALID_NONCE: 0x0102,
  INSUFFICIENT_ENTROPY: 0x0103,
  INVALID_DEVICE_CONFIGURATION: 0x0104,
} as const;
export type TdispErrorName = keyof typeof TdispErrorCode;

/** TDI states as DEVICE_INTERFACE_STATE reports them. */
export const TdiState = {
  CONFIG_UNLOCKED: 0,
  CONFIG_LOCKED: 1,
  RUN: 2,
  ERROR: 3,
} as const;
export type TdiStateName = keyof typeof TdiState;

/** LOCK_INTERFACE_REQUEST flags; bits 15:5 are reserved. */
export const LockInterfaceFlag = {
  NO_FW_UPDATE: 0x0001,
  /** 0: 64-byte system cache line, 1: 128-byte. */
  SYSTEM_CACHE_LINE_SIZE: 0x0002,
  LOCK_MSIX: 0x0004,
  BIND_P2P: 0x0008,
  ALL_REQUEST_REDIRECT: 0x0010,
} as const;
/** The first reserved bit of the LOCK flags (bits 15:5). */
export const LOCK_FLAGS_RESERVED_SHIFT = 5;

/** DEVICE_INTERFACE_REPORT interface_info bits. */
export const InterfaceInfo = {
  NO_UPDATE_AFTER_LOCK: 0x0001,
  DMA_WITHOUT_PASID: 0x0002,
  DMA_WITH_PASID: 0x0004,
  ATS_SUPPORTED: 0x0008,
  PRS_SUPPORTED: 0x0010,
} as const;

/** range_attributes of an MMIO range in the report; bits 15:4 are reserved. */
export const MmioRangeAttribute = {
  MSIX_TABLE: 0x0001,
  MSIX_PBA: 0x0002,
  IS_NON_TEE_MEM: 0x0004,
  IS_MEM_ATTR_UPDATABLE: 0x0008,
} as const;
/** The first reserved bit of range_attributes (bits 15:4). */
export const RANGE_ATTRIBUTES_RESERVED_SHIFT = 4;

/** extended_error_data registry ids. */
export const ExtendedErrorRegistry = { PCISIG: 0x00, CXL: 0x01 } as const;

export const START_INTERFACE_NONCE_SIZE = 32;

/** Names of set bits in `value`, per `table`; unnamed set bits are returned as hex. */
export function bitNames(value: number, table: Readonly<Record<string, number>>): string[] {
  const names = Object.entries(table)
    .filter(([, bit]) => (value & bit) !== 0)
    .map(([name]) => name);
  const known = Object.values(table).reduce((a, b) => a | b, 0);
  const unknown = value & ~known;
  return unknown === 0 ? names : [...names, `0x${unknown.toString(16)}`];
}
