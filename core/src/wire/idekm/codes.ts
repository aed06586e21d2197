/** IDE_KM constants (PCIe 6.1 §6.33.3; values as in DMTF libspdm pci_idekm.h). */

export const IdeKmObjectId = {
  QUERY: 0x00,
  QUERY_RESP: 0x01,
  KEY_PROG: 0x02,
  KP_ACK: 0x03,
  K_SET_GO: 0x04,
  K_SET_STOP: 0x05,
  K_SET_GOSTOP_ACK: 0x06,
} as const;
export type IdeKmMessageType = keyof typeof IdeKmObjectId;

export const KpAckStatus = {
  SUCCESS: 0x00,
  INCORRECT_LENGTH: 0x01,
  UNSUPPORTED_PORT_INDEX: 0x02,
  UNSUPPORTED_VALUE: 0x03,
  UNSPECIFIED_FAILURE: 0x04,
} as const;
export type KpAckStatusName = keyof typeof KpAckStatus;

/** Sub-streams of an IDE stream, as the key_sub_stream byte's bits 7:4 number them. */
export const IdeSubStream = { PR: 0, NPR: 1, CPL: 2 } as const;
export type IdeSubStreamName = keyof typeof IdeSubStream;

/** A key is programmed per key set, direction and sub-stream: 2 × 2 × 3 slots per stream. */
export const IDE_KEY_SETS = ['K0', 'K1'] as const;
export const IDE_DIRECTIONS = ['RX', 'TX'] as const;
export const IDE_SUB_STREAMS = ['PR', 'NPR', 'CPL'] as const;
export type IdeKeySet = (typeof IDE_KEY_SETS)[number];
export type IdeDirection = (typeof IDE_DIRECTIONS)[number];

/** KEY_PROG carries an AES-256-GCM key (8 DW) and an initial IV/IFV (2 DW). */
export const IDE_KEY_SIZE = 32;
export const IDE_IFV_SIZE = 8;
