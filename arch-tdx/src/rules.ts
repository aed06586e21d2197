import { type ModelOptions, ruleIdsOf } from '@teeio/core';
import type { InjectionToken } from 'tsyringe';

/**
 * The ordering and ownership rules the TDX module model enforces, by id. Each is one check in
 * the model, guarded by `enforces(id)`, so that a run can switch it off ("ablate" it) and show
 * what the rule prevents; the tests use this to prove that each of them depends on its rule.
 */
export const TDX_RULES = {
  'iommu-setup-before-spdm': 'TDH.IOMMU.SETUP is the precondition of every TDX Connect call: TDH.SPDM.CREATE needs a trusted IOMMU [L-RFC]',
  'extension-calls-serialised': 'one extension call at a time; another one meanwhile gets TDX_OPERAND_BUSY [L-RFC]',
  'ide-km-requires-unblocked-stream': 'TDH.IDE.STREAM.KM needs the root port side configured: KM(STOP) before BLOCK [L-RFC teardown order]',
  'ide-delete-requires-block': 'TDH.IDE.STREAM.DELETE only after TDH.IDE.STREAM.BLOCK ([MOD] tdh_ide_stream_delete.c)',
  'ide-delete-requires-no-devif': 'TDH.IDE.STREAM.DELETE only when no DEVIF uses the stream ([MOD] tdh_ide_stream_delete.c)',
  'spdm-disconnect-requires-no-stream': 'TDH.SPDM.DISCONNECT/DELETE only when the session has no IDE stream ([MOD] tdh_spdm_delete.c)',
  'spdm-delete-requires-disconnect': 'TDH.SPDM.DELETE only after TDH.SPDM.DISCONNECT [L-RFC teardown order]',
  'devif-error-state-filter': 'in ERROR the module accepts only GET_DEVICE_INTERFACE_STATE and STOP [MOD]',
  'devif-one-outstanding-request': 'only one TDISP request may be outstanding per DEVIF [MOD]',
  'devif-td-request-needs-tdg-request': 'a TD-generated TDISP request needs an earlier TDG.DEVIF.REQUEST [MOD]',
  'mmio-map-requires-mmiomt': 'TDH.MMIO.MAP only of MMIO whose ownership was declared (TDH.MMIO.MT.SET, after LOCK) and is not mapped yet [MOD]',
  'mmio-map-requires-owner': 'TDH.MMIO.MAP only into the TD that owns the DEVIF [MOD]',
  'mmio-map-requires-unblocked-stream': 'TDH.MMIO.MAP only while the DEVIF IDE stream is not blocked [MOD]',
  'mmio-accept-checks-hpa': 'TDG.MMIO.ACCEPT checks the leaf HPA against the report range the guest names (TDX_MMIO_INVALID_HPA_OFFSET) [MOD]',
  'mmio-unmap-requires-block-and-track': 'TDH.MMIO.UNMAP needs the leaf BLOCKED and TLB/IOTLB-tracked [MOD]',
  'mmio-unmap-requires-stop': 'TDH.MMIO.UNMAP only when the TDI is CONFIG_UNLOCKED through a module STOP, or its IDE stream is blocked [MOD]',
  'dmar-accept-requires-locked': 'TDG.DMAR.ACCEPT only in CONFIG_LOCKED or RUN [MOD]',
  'dmar-remove-requires-block-and-invalidation': 'TDH.DMAR.REMOVE only of a blocked entry whose invalidation is done ([MOD] tdh_dmar_remove.c)',
  'tdi-start-requires-authorisation': 'TDH.TDI.START only after the guest authorised it (TDG.TDI.START) for this bind session [OVMM, G26]',
  'tdi-start-requires-private-mmio': 'START only once every TEE MMIO range is mapped private [GUIDE]',
  'devif-remove-requires-stop': 'TDH.DEVIF.REMOVE only when CONFIG_UNLOCKED through STOP, or the stream is blocked [MOD]',
  'devif-remove-requires-no-dma': 'TDH.DEVIF.REMOVE fails with TDX_DEVIF_HAS_MAPPED_DMA while the DMAR is mapped [MOD]',
  'devif-remove-requires-no-mmio': 'TDH.DEVIF.REMOVE fails with TDX_DEVIF_HAS_MAPPED_MMIO while MMIO is mapped [MOD]',
  'td-reclaim-requires-no-devif': 'the TD (its TDR) can be reclaimed only after every DEVIF is removed: a DEVIF is a TDR child [MOD, Yilun]',
} as const;

export type TdxRuleId = keyof typeof TDX_RULES;
export const TDX_RULE_IDS = ruleIdsOf(TDX_RULES);
/** Options of the module model for one run: the rules it does not enforce. */
export type TdxModelOptions = ModelOptions<TdxRuleId>;
export const TDX_MODEL_OPTIONS: InjectionToken<TdxModelOptions> = Symbol.for('teeio.arch-tdx.model-options');
