/**
 * TDX status codes the model returns, by their TDX names, with where each comes from. Source
 * short names are those of reference/tdx-connect.md: [L-RFC] the TDX Connect RFC (Dan Williams,
 * Xu Yilun; tdx-host.c), [MOD] intel/tdx-module's 2023 tdxio prototype (the reference's summary
 * and, where noted, the handler file itself), [GUIDE] the TEE-IO device guide. "base ABI" is a
 * status of the TDX module ABI that TDX Connect did not add (its name as in the module's error
 * code list); "teeio" marks a name teeio chose because no source names one.
 */
export const TDX = {
  /** [L-RFC]: not an error; FwResult `ok` stands for it. */
  SUCCESS: 'TDX_SUCCESS',

  /** [L-RFC] "only one extension call at a time; otherwise TDX_OPERAND_BUSY". Also fail_nth's transient failure. */
  OPERAND_BUSY: 'TDX_OPERAND_BUSY',
  /** [L-RFC] TDH.IOMMU.SETUP on a DRHD that is not TDX-capable; [MOD] every malformed or unknown operand. */
  OPERAND_INVALID: 'TDX_OPERAND_INVALID',
  /** [L-RFC] event loop: the module asks the host to relay a DOE message, then to resume. */
  SPDM_REQUEST: 'TDX_SPDM_REQUEST',
  /** [L-RFC] event loop: the host refreshes the session key with TDH.SPDM.MNG(KEY_UPDATE). */
  SPDM_SESSION_KEY_REQUIRE_REFRESH: 'TDX_SPDM_SESSION_KEY_REQUIRE_REFRESH',

  /** [MOD] TDH.MMIO.UNMAP without CONFIG_UNLOCKED (through STOP) or a blocked IDE stream; TDG.DMAR.ACCEPT outside CONFIG_LOCKED/RUN (tdg_dmar_accept.c). */
  DEVIF_TDISP_INVALID_STATE: 'TDX_DEVIF_TDISP_INVALID_STATE',
  /** [MOD] TDH.DEVIF.REMOVE while the DMAR is mapped. */
  DEVIF_HAS_MAPPED_DMA: 'TDX_DEVIF_HAS_MAPPED_DMA',
  /** [MOD] TDH.DEVIF.REMOVE while MMIO remains mapped. */
  DEVIF_HAS_MAPPED_MMIO: 'TDX_DEVIF_HAS_MAPPED_MMIO',
  /** [MOD] TDG.MMIO.ACCEPT: the S-EPT leaf's HPA is not the one the guest expects from the report. */
  MMIO_INVALID_HPA_OFFSET: 'TDX_MMIO_INVALID_HPA_OFFSET',

  /** [MOD] tdh_devif_remove.c: the state check of TDH.DEVIF.REMOVE (the reference: "the same state requirement"). */
  DEVIF_INVALID_STATE: 'TDX_DEVIF_INVALID_STATE',
  /** [MOD] tdh_devif_request.c: in ERROR only GET_DEVICE_INTERFACE_STATE and STOP_INTERFACE_REQUEST. */
  DEVIF_TDISP_ERROR_STATE: 'TDX_DEVIF_TDISP_ERROR_STATE',
  /** [MOD] tdh_devif_request.c / _response.c: a request is already outstanding, or none is. */
  DEVIF_TDISP_OUT_REQ: 'TDX_DEVIF_TDISP_OUT_REQ',
  /** [MOD] tdh_devif_request.c: a TD-generated request without an earlier TDG.DEVIF.REQUEST. */
  DEVIF_TDISP_INVALID_REQ_STS: 'TDX_DEVIF_TDISP_INVALID_REQ_STS',
  /** [MOD] tdh_devif_response.c: the response is not a valid answer to the request. */
  DEVIF_TDISP_INVALID_MESSAGE: 'TDX_DEVIF_TDISP_INVALID_MESSAGE',
  /** [MOD] tdh_devif_create.c: the function already has a DEVIF. */
  DEVIFMT_ALREADY_PRESENT: 'TDX_DEVIFMT_ALREADY_PRESENT',
  /** [MOD] tdh_devif_create.c: the IDE stream is not configured (keyed) or is blocked. */
  IDE_STREAM_INVALID_STATE: 'TDX_IDE_STREAM_INVALID_STATE',
  /** [MOD] tdh_ide_stream_delete.c. */
  IDE_STREAM_NOT_BLOCKED: 'TDX_IDE_STREAM_NOT_BLOCKED',
  /** [MOD] tdh_ide_stream_delete.c. */
  IDE_STREAM_HAS_DEVICE_INTERFACES: 'TDX_IDE_STREAM_HAS_DEVICE_INTERFACES',
  /** [MOD] tdh_spdm_delete.c. */
  SPDM_HAS_ACTIVE_IDE_STREAMS: 'TDX_SPDM_HAS_ACTIVE_IDE_STREAMS',
  /** [MOD] tdh_spdm_delete.c: no SPDM object with that spdm_id. */
  SPDM_ENTRY_NOT_PRESENT: 'TDX_SPDM_ENTRY_NOT_PRESENT',
  /** [MOD] tdh_mmio_map.c: the MMIOMT entry is not DATA, or already mapped. */
  MMIO_INVALID_PAGE_METADATA: 'TDX_MMIO_INVALID_PAGE_METADATA',
  /** [MOD] tdh_mmio_map.c: the DEVIF owning the MMIO is not this TD's. */
  MMIO_DEVIF_OWNER_MISMATCH: 'TDX_MMIO_DEVIF_OWNER_MISMATCH',
  /** [MOD] tdh_mmio_map.c: the DEVIF's IDE stream is blocked. */
  IDE_STREAM_BLOCKED: 'TDX_IDE_STREAM_BLOCKED',
  /** [MOD] tdh_dmar_remove.c, tdg_dmar_accept.c. */
  DMAR_INVALID_MAPPING_STATE: 'TDX_DMAR_INVALID_MAPPING_STATE',
  /** [MOD] tdh_dmar_remove.c: the IOTLB invalidation after blocking is not done. */
  DMAR_INVALID_INV_STATE: 'TDX_DMAR_INVALID_INV_STATE',

  /** base ABI ([MOD] tdh_mmio_map.c / _unmap.c use it for MMIO leaves): the S-EPT entry is not in a state the call accepts. */
  EPT_ENTRY_STATE_INCORRECT: 'TDX_EPT_ENTRY_STATE_INCORRECT',
  /** base ABI ([MOD] tdh_mmio_unmap.c): the leaf was not blocked first. */
  GPA_RANGE_NOT_BLOCKED: 'TDX_GPA_RANGE_NOT_BLOCKED',
  /** base ABI ([MOD] tdh_mmio_unmap.c checks TLB and IOTLB tracking): no TDH.MEM.TRACK since the block. */
  TLB_TRACKING_NOT_DONE: 'TDX_TLB_TRACKING_NOT_DONE',
  /** base ABI ([MOD] tdg_mmio_accept.c). */
  PAGE_ALREADY_ACCEPTED: 'TDX_PAGE_ALREADY_ACCEPTED',
  /** base ABI: reclaiming a TDR whose TD still has children; [MOD] tdh_devif_create.c counts a DEVIF as a TDR child. */
  TD_ASSOCIATED_PAGES_EXIST: 'TDX_TD_ASSOCIATED_PAGES_EXIST',
  /** base ABI: a TD operation in the wrong lifecycle state (TDR reclaim before TDH.MNG.KEY.FREEID). */
  LIFECYCLE_STATE_INCORRECT: 'TDX_LIFECYCLE_STATE_INCORRECT',
  /** base ABI: TDG.TDI.RD of a field that holds nothing yet. */
  METADATA_FIELD_NOT_READABLE: 'TDX_METADATA_FIELD_NOT_READABLE',

  /** GHCI: the VMM refused a TDG.VP.VMCALL (TDCM) request's operand. */
  VMCALL_INVALID_OPERAND: 'TDG.VP.VMCALL_INVALID_OPERAND',

  /** teeio: TDH.TDI.START while a TEE MMIO range is not mapped private ([GUIDE] states the rule, no code). */
  TDI_MMIO_NOT_MAPPED: 'TDX_TDI_MMIO_NOT_MAPPED',
  /** teeio: the host resumed a relayed call reporting that the DOE transfer failed; the module abandons the call. */
  SPDM_TRANSFER_FAILED: 'TDX_SPDM_TRANSFER_FAILED',
  /** teeio: the device did not answer DOE discovery with SPDM and secured SPDM. */
  SPDM_DEVICE_UNSUPPORTED: 'TDX_SPDM_DEVICE_UNSUPPORTED',
  /** teeio: TDH.SPDM.DELETE of a session still connected (TDH.SPDM.DISCONNECT first, [L-RFC] order). */
  SPDM_SESSION_CONNECTED: 'TDX_SPDM_SESSION_CONNECTED',
  /** teeio: the device refused an IDE_KM request of TDH.IDE.STREAM.KM (KP_ACK status, or no GOSTOP_ACK). */
  IDE_KM_FAILED: 'TDX_IDE_KM_FAILED',
} as const;

export type TdxStatus = (typeof TDX)[keyof typeof TDX];
