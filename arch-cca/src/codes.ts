/**
 * Arm CCA values the RMM model returns and the host and realm read, at the generation TF-RMM
 * 9a7f8ef4 implements (RMI ABI 2.0, RSI ABI 1.1; reference arm-cca.md §5, state-2026.md).
 * A status travels in x0: the status in bits [7:0], an index in bits [15:8] where the RMM
 * gives one; RMI_ERROR_GRANULE also returns the granule's PA in x1.
 */

/** RMI status codes (2.0 renumbering: NOT_SUPPORTED 5, DEVICE 6, BUSY 10 …), arm-cca.md §5. */
export const RMI_STATUS = {
  RMI_SUCCESS: 0,
  RMI_ERROR_INPUT: 1,
  RMI_ERROR_REALM: 2,
  RMI_ERROR_REC: 3,
  RMI_ERROR_RTT: 4,
  RMI_ERROR_NOT_SUPPORTED: 5,
  RMI_ERROR_DEVICE: 6,
  RMI_ERROR_RTT_AUX: 7,
  RMI_ERROR_PSMMU_ST: 8,
  RMI_ERROR_DPT: 9,
  RMI_BUSY: 10,
  RMI_ERROR_GLOBAL: 11,
  RMI_ERROR_TRACKING: 12,
  RMI_INCOMPLETE: 13,
  RMI_BLOCKED: 14,
  RMI_ERROR_GPT: 15,
  RMI_ERROR_GRANULE: 16,
} as const;

/** RSI status codes, arm-cca.md §5. */
export const RSI_STATUS = {
  RSI_SUCCESS: 0,
  RSI_ERROR_INPUT: 1,
  RSI_ERROR_STATE: 2,
  RSI_INCOMPLETE: 3,
  RSI_ERROR_UNKNOWN: 4,
  RSI_ERROR_DEVICE: 5,
} as const;

export type RmiStatus = keyof typeof RMI_STATUS;
export type RsiStatus = keyof typeof RSI_STATUS;
export type CcaStatus = RmiStatus | RsiStatus;

/** The status names by which FwResult codes carry them (the FwResult's `ok` stands for SUCCESS). */
export const CCA = {
  ERROR_INPUT: 'RMI_ERROR_INPUT',
  ERROR_REALM: 'RMI_ERROR_REALM',
  ERROR_DEVICE: 'RMI_ERROR_DEVICE',
  ERROR_GRANULE: 'RMI_ERROR_GRANULE',
  ERROR_RTT: 'RMI_ERROR_RTT',
  BUSY: 'RMI_BUSY',
  RSI_ERROR_INPUT: 'RSI_ERROR_INPUT',
  RSI_ERROR_STATE: 'RSI_ERROR_STATE',
  RSI_ERROR_DEVICE: 'RSI_ERROR_DEVICE',
  /** teeio: the guest refused a range the host rejected (RSI_SUCCESS with next-IPA = base, REJECT). */
  GUEST_MAPPING_REJECTED: 'RSI_VDEV_VALIDATE_MAPPING_REJECTED',
  /** teeio: the host's DOE transfer failed; it enters the communicate with status ERROR. */
  DOE_TRANSFER_FAILED: 'DOE_TRANSFER_FAILED',
} as const satisfies Record<string, CcaStatus | string>;

/** x0 as the RMM returns it: status in [7:0], index in [15:8]. */
export function x0Of(status: CcaStatus, index = 0): number {
  const value = status.startsWith('RSI_') ? RSI_STATUS[status as RsiStatus] : RMI_STATUS[status as RmiStatus];
  return (value & 0xff) | ((index & 0xff) << 8);
}

/** Function IDs (SMCCC, 0xC4000xxx), state-2026.md and arm-cca.md §0/§5. */
export const FID = {
  RMI_PDEV_ABORT: 0xc4000174,
  RMI_PDEV_STOP: 0xc400017c,
  RMI_VDEV_ABORT: 0xc4000185,
  RMI_VDEV_UNLOCK: 0xc400018a,
  RMI_VDEV_COMPLETE: 0xc400018e,
  RMI_VDEV_GET_INTERFACE_REPORT: 0xc40001d0,
  RMI_VDEV_GET_MEASUREMENTS: 0xc40001d1,
  RMI_VDEV_LOCK: 0xc40001d2,
  RMI_VDEV_START: 0xc40001d3,
  RMI_RTT_DEV_VALIDATE: 0xc4000163,
  RMI_RTT_DEV_MAP: 0xc40001f7,
  RMI_RTT_DEV_UNMAP: 0xc40001f8,
  RMI_REALM_TERMINATE: 0xc4000201,
  RMI_OP_CONTINUE: 0xc4000203,
  RMI_PDEV_STREAM_CONNECT: 0xc4000204,
  RMI_PDEV_STREAM_DISCONNECT: 0xc4000205,
  RMI_PDEV_STREAM_COMPLETE: 0xc4000206,
  RMI_PDEV_STREAM_KEY_PURGE: 0xc4000207,
  RSI_VDEV_DMA_ENABLE: 0xc400019c,
  RSI_VDEV_GET_INFO: 0xc400019d,
  RSI_VDEV_VALIDATE_MAPPING: 0xc400019f,
  RSI_VDEV_DMA_DISABLE: 0xc40001a4,
} as const;

/** RmiPdevState, arm-cca.md §5. */
export const PDEV_STATES = ['NEW', 'NEEDS_KEY', 'HAS_KEY', 'READY', 'STOPPED', 'ERROR'] as const;
export type PdevStateName = (typeof PDEV_STATES)[number];

/** RmiVdevState (KEY_REFRESH and KEY_PURGE are not modelled: no IDE key refresh). */
export const VDEV_STATES = ['NEW', 'UNLOCKED', 'LOCKED', 'STARTED', 'ERROR', 'KEY_REFRESH', 'KEY_PURGE'] as const;
export type VdevStateName = (typeof VDEV_STATES)[number];

/** RsiVdevState as the realm reads it: NEW reads as UNLOCKED. */
export const RSI_VDEV_STATES = ['UNLOCKED', 'LOCKED', 'STARTED', 'ERROR'] as const;
export type RsiVdevStateName = (typeof RSI_VDEV_STATES)[number];

/** The DA app's communication state (pd->op / vd->op), arm-cca.md §5. */
export const COMM_STATES = ['ACTIVE', 'ERROR', 'IDLE', 'PENDING'] as const;
export type CommStateName = (typeof COMM_STATES)[number];

/** REC exit reasons of device assignment, arm-cca.md §5. */
export const REC_EXIT = { RMI_EXIT_VDEV_REQUEST: 8, RMI_EXIT_DEV_MEM_MAP: 9 } as const;

/** RTT entry states and RIPAS values the model uses (ASSIGNED_DEV 3, RIPAS DEV 3, DESTROYED 2). */
export const RTT_STATE = { UNASSIGNED: 0, ASSIGNED_DEV: 3 } as const;
export const RIPAS = { EMPTY: 0, RAM: 1, DESTROYED: 2, DEV: 3 } as const;
export type RipasName = keyof typeof RIPAS;

/** RSI_VDEV_VALIDATE_MAPPING's x2: what the host answered (REC_ENTRY_FLAG_DEV_MEM_RESPONSE). */
export const DEV_MEM_RESPONSE = { ACCEPT: 0, REJECT: 1 } as const;

/** RMI_PDEV_SET_PUBKEY algorithms and the key lengths the RMM checks, arm-cca.md §1 step 4. */
export const PUBKEY_LENGTHS = { ECDSA_P256: 65, ECDSA_P384: 97, RSASSA_3072: 384 } as const;
export type PubkeyAlgo = keyof typeof PUBKEY_LENGTHS;

/** RmiDevCommData cache object ids (exit.cache_obj_id). */
export const CACHE_OBJECTS = ['VCA', 'CERTIFICATE', 'MEASUREMENTS', 'INTERFACE_REPORT'] as const;
export type CacheObject = (typeof CACHE_OBJECTS)[number];
