/**
 * Names and numbers of the SEV-TIO interface as teeio models it. Where each comes from:
 *
 * - [REF] ../shared/reference/sev-tio.md (Alexey Kardashevskiy's SEV-TIO patches, summarised).
 * - [HDR] include/uapi/linux/psp-sev.h as posted in "[PATCH kernel v3 2/4] psp-sev: Assign numbers
 *   to all status codes and add new" (2025-12-02, <20251202024449.542361-3-aik@amd.com>): the
 *   SEV_RET_* values the reference does not list. Not in the reference; read from the posting.
 * - [GST] the guest driver's enums in the RFC series' drivers/virt/coco/sev-guest/sev_guest_tio.c
 *   (MMIO_VALIDATE_*, SDTE_WRITE_*, MMIO_CONFIG_*); the reference names the statuses, the posting
 *   numbers them. Phase 2 renumbered MMIO_VALIDATE (it inserted NOT_IO=4 and added NOT_4K=10).
 * - [TEEIO] teeio's own choice where the sources are silent; each is marked where it is used.
 */

/** PSP commands, SEV_CMD_TIO_* [REF §1]. TIO_ROLL_KEY (0xE4, IDE key refresh) is not modelled. */
export const TioCommand = {
  TIO_STATUS: 0xd0,
  TIO_INIT: 0xd1,
  TIO_DEV_CREATE: 0xd2,
  TIO_DEV_RECLAIM: 0xd3,
  TIO_DEV_CONNECT: 0xd4,
  TIO_DEV_DISCONNECT: 0xd5,
  TIO_DEV_STATUS: 0xd6,
  TIO_DEV_MEASUREMENTS: 0xd7,
  TIO_DEV_CERTIFICATES: 0xd8,
  TIO_TDI_CREATE: 0xda,
  TIO_TDI_RECLAIM: 0xdb,
  TIO_TDI_BIND: 0xdc,
  TIO_TDI_UNBIND: 0xdd,
  TIO_TDI_REPORT: 0xde,
  TIO_TDI_STATUS: 0xdf,
  TIO_GUEST_REQUEST: 0xe0,
  TIO_ASID_FENCE_CLEAR: 0xe1,
  TIO_ASID_FENCE_STATUS: 0xe2,
  TIO_TDI_INFO: 0xe3,
} as const;
export type TioCommandName = keyof typeof TioCommand;

/**
 * The CPU instruction that assigns a page in the RMP (rmp_make_private_mmio / rmp_make_shared
 * [REF §2]). It is not a PSP command but it is the platform's trusted side, so it is traced and
 * fault-injected like one.
 */
export const RMPUPDATE = 'RMPUPDATE';

/** SEV_RET_* statuses: the code a command returns. */
export const SevRet = {
  /** [HDR] */
  SEV_RET_SUCCESS: 0x0000,
  /** [HDR] TIO command before TIO_INIT, or TIO_INIT when it cannot (tio_en clear, already done). */
  SEV_RET_INVALID_PLATFORM_STATE: 0x0001,
  /** [HDR] gctx_paddr names no guest context, or not the TDI's. */
  SEV_RET_INVALID_GUEST: 0x0010,
  /** [HDR] A parameter the firmware refuses (the LOCK flags' must-be values, tc_mask bit 0). */
  SEV_RET_INVALID_PARAM: 0x0016,
  /** [HDR] teeio's injected transient failure (see the declaration). */
  SEV_RET_RESOURCE_LIMIT: 0x0017,
  /** [REF] 0x31: the host must grow the output/scratch buffers and re-issue the command. */
  SEV_RET_EXPAND_BUFFER_LENGTH_REQUEST: 0x0031,
  /** [REF] 0x32: the host must carry the request data object over DOE and re-issue the command. */
  SEV_RET_SPDM_REQUEST: 0x0032,
  /** [HDR] The device answered an SPDM-carried request with an error. */
  SEV_RET_SPDM_ERROR: 0x0033,
  /** [HDR] TIO_DEV_CONNECT could not set the device up (no SPDM over DOE, IDE_KM refused). */
  SEV_RET_SEV_STATUS_ERR_IN_DEV_CONN: 0x0035,
  /** [HDR] No device context for that device. */
  SEV_RET_SEV_STATUS_INVALID_DEV_CTX: 0x0036,
  /** [HDR] No TDI context for that TDI. */
  SEV_RET_SEV_STATUS_INVALID_TDI_CTX: 0x0037,
  /** [HDR] The TDI is not a function of the device context's device. */
  SEV_RET_SEV_STATUS_INVALID_TDI: 0x0038,
  /** [HDR] A context exists already: reclaim it first. */
  SEV_RET_SEV_STATUS_RECLAIM_REQUIRED: 0x0039,
  /** [HDR] Used by [TEEIO] for: the device context still has TDIs; the guest context still has bound TDIs. */
  SEV_RET_IN_USE: 0x003a,
  /** [HDR] The device context is in the wrong state for the command. */
  SEV_RET_SEV_STATUS_INVALID_DEV_STATE: 0x003b,
  /** [HDR] The TDI context is in the wrong state for the command. */
  SEV_RET_SEV_STATUS_INVALID_TDI_STATE: 0x003c,
} as const;
export type SevRetName = keyof typeof SevRet;

/**
 * RMPUPDATE's own failure [TEEIO: name from the AMD APM's RMPUPDATE return codes; the sources
 * do not give it]: the page is already assigned.
 */
export const RMPUPDATE_FAIL_INUSE = 'FAIL_INUSE';

/** Guest messages through TIO_GUEST_REQUEST [REF §2, RFC numbering; phase 2 renumbered them 19–26]. */
export const TioMsg = {
  TDI_INFO_REQ: 0x81,
  MMIO_VALIDATE_REQ: 0x82,
  MMIO_CONFIG_REQ: 0x83,
  SDTE_WRITE_REQ: 0x84,
} as const;
export type TioMsgName = keyof typeof TioMsg;

/** Statuses of TIO_MSG_MMIO_VALIDATE_RSP [REF §2 names; GST RFC numbering]. */
export const MmioValidateStatus = {
  MMIO_VALIDATE_SUCCESS: 0,
  MMIO_VALIDATE_INVALID_TDI: 1,
  MMIO_VALIDATE_TDI_UNBOUND: 2,
  /** At least one page is not assigned to the guest. */
  MMIO_VALIDATE_NOT_ASSIGNED: 3,
  /** The Validated bit is not uniformly set over the subrange. */
  MMIO_VALIDATE_NOT_UNIFORM: 4,
  /** At least one page does not have the immutable bit set while its validated bit is clear. */
  MMIO_VALIDATE_NOT_IMMUTABLE: 5,
  /** At least one page is not mapped at the expected GPA. */
  MMIO_VALIDATE_NOT_MAPPED: 6,
  /** The range id is not reported in the interface report. */
  MMIO_VALIDATE_NOT_REPORTED: 7,
  /** The subrange is outside the MMIO range of the interface report. */
  MMIO_VALIDATE_OUT_OF_RANGE: 8,
} as const;
export type MmioValidateStatusName = keyof typeof MmioValidateStatus;

/** Statuses of TIO_MSG_SDTE_WRITE_RSP [GST]. */
export const SdteWriteStatus = { SDTE_WRITE_SUCCESS: 0, SDTE_WRITE_INVALID_TDI: 1, SDTE_WRITE_TDI_NOT_BOUND: 2, SDTE_WRITE_RESERVED: 3 } as const;
export type SdteWriteStatusName = keyof typeof SdteWriteStatus;

/** Statuses of TIO_MSG_MMIO_CONFIG_RSP [GST]. */
export const MmioConfigStatus = { MMIO_CONFIG_SUCCESS: 0, MMIO_CONFIG_INVALID_TDI: 1, MMIO_CONFIG_TDI_UNBOUND: 2, MMIO_CONFIG_NOT_REPORTED: 3, MMIO_CONFIG_COULD_NOT_CHANGE: 4 } as const;
export type MmioConfigStatusName = keyof typeof MmioConfigStatus;

/** SVM_VMGEXIT_SEV_TIO_OP (0x80000021) actions, exitinfo1 = action<<32 | guest_id [REF §2, phase 2]. */
export const SVM_VMGEXIT_SEV_TIO_OP = 0x8000_0021;
export const TioOp = { BIND: 0, UNBIND: 1, RUN: 2, STOP: 3 } as const;
export type TioOpName = keyof typeof TioOp;

/** TIO_TDI_INFO tdi_status [REF §1]. */
export type TdiBindStatus = 'UNBOUND' | 'BIND_LOCKED' | 'BIND_RUN';

/**
 * TIO_TDI_BIND's `tdisp_lock_if`, "TDISP's LOCK_INTERFACE_REQUEST flags" [REF §1], with the
 * values the firmware insists on. The bits are TDISP's (core LockInterfaceFlag).
 */
export const LOCK_FLAG_MUST_BE = {
  /** "Must be 0": SEV-TIO binds no P2P streams. */
  BIND_P2P: 0,
  /** "Must be 1": every request of the TDI goes through the root complex (and the IOMMU/RMP). */
  ALL_REQUEST_REDIRECT: 1,
  /** "Must be 0": 64-byte system cache line. */
  SYSTEM_CACHE_LINE_SIZE: 0,
} as const;

/** The firmware level TIO needs: ≥ 1.55 [REF §1]. */
export const TIO_MIN_FW_VERSION = { major: 1, minor: 55 } as const;
