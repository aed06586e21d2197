import { type ModelOptions, ruleIdsOf } from '@teeio/core';
import type { InjectionToken } from 'tsyringe';

/**
 * The ordering and ownership rules the SEV-TIO model enforces, by id: the PSP's (TIO and SNP
 * commands, guest requests, RMPUPDATE), the root complex's, and the host CCP driver's. Each is
 * one check (or one step the reference requires) guarded by `enforces(id)`, so a run can switch
 * it off ("ablate" it) and the tests prove that each test of a rule fails without it. Sources
 * as in codes.ts: [REF §n] ../shared/reference/sev-tio.md, [HDR] psp-sev.h, [GST] the guest
 * driver's statuses, [TEEIO] where the sources give the rule but not its code.
 */
export const SEV_TIO_RULES = {
  'tio-init-before-commands': 'a TIO command before TIO_INIT gets SEV_RET_INVALID_PLATFORM_STATE [REF §1, HDR]',
  'tio-init-requires-platform': 'TIO_INIT needs firmware ≥ 1.55, SNP_FEATURE_INFO EBX bit 1 and SNP_INIT_EX tio_en=1, and runs once; else SEV_RET_INVALID_PLATFORM_STATE [REF §1]',
  'dev-create-requires-pf0': 'TIO_DEV_CREATE names PF0 (device_id of function 0); else SEV_RET_INVALID_PARAM [REF §1]',
  'dev-create-requires-no-context': 'one device context per device: TIO_DEV_CREATE again gets SEV_RET_SEV_STATUS_RECLAIM_REQUIRED [HDR]',
  'dev-connect-requires-created': 'TIO_DEV_CONNECT only of a context not yet connected; else SEV_RET_SEV_STATUS_INVALID_DEV_STATE [REF §1 connect order, HDR]',
  'dev-connect-requires-tc0': 'TIO_DEV_CONNECT tc_mask bit 0 is required; else SEV_RET_INVALID_PARAM [REF §1]',
  'dev-evidence-requires-connected': 'TIO_DEV_MEASUREMENTS / TIO_DEV_CERTIFICATES only after TIO_DEV_CONNECT; else SEV_RET_SEV_STATUS_INVALID_DEV_STATE [REF §1 RFC v1 order]',
  'dev-disconnect-requires-no-tdi': 'TIO_DEV_DISCONNECT with TDI contexts gets SEV_RET_IN_USE: "cannot be disconnected while TDIs are bound" [REF §1, TEEIO code]',
  'dev-reclaim-requires-released': 'TIO_DEV_RECLAIM of a connected context gets SEV_RET_SEV_STATUS_INVALID_DEV_STATE, with TDI contexts SEV_RET_IN_USE [REF §1 disconnect order]',
  'tdi-create-requires-connected': 'TIO_TDI_CREATE only on a connected device context; else SEV_RET_SEV_STATUS_INVALID_DEV_STATE [REF §1 bind order]',
  'tdi-create-requires-function-of-dsm': 'TIO_TDI_CREATE of a function of another device gets SEV_RET_SEV_STATUS_INVALID_TDI [HDR]',
  'tdi-create-requires-no-context': 'one TDI context per TDI: TIO_TDI_CREATE again gets SEV_RET_SEV_STATUS_RECLAIM_REQUIRED [HDR]',
  'tdi-bind-requires-launched-guest': 'TIO_TDI_BIND names a launched guest (its context has an ASID); else SEV_RET_INVALID_GUEST [REF §1 gctx_paddr]',
  'tdi-bind-checks-lock-flags': 'TIO_TDI_BIND refuses LOCK flags off their must-be values or unsupported by the device: SEV_RET_INVALID_PARAM [REF §1 tdisp_lock_if]',
  'tdi-bind-requires-unbound': 'TIO_TDI_BIND without RUN_FORCE of a bound TDI gets SEV_RET_SEV_STATUS_INVALID_TDI_STATE [REF §1 bind order]',
  'tdi-commands-require-bound-guest': 'TIO_TDI_BIND(RUN_FORCE), TIO_TDI_UNBIND and TIO_TDI_REPORT name the guest the TDI is bound to; else SEV_RET_INVALID_GUEST [REF §1]',
  'tdi-requires-bound': 'TIO_TDI_UNBIND and TIO_TDI_REPORT of an unbound TDI get SEV_RET_SEV_STATUS_INVALID_TDI_STATE [REF §1]',
  'tdi-reclaim-requires-unbind': 'TIO_TDI_RECLAIM only after TIO_TDI_UNBIND; else SEV_RET_SEV_STATUS_INVALID_TDI_STATE [REF §1 unbind order]',
  'run-keeps-dma-blocked': 'RUN at attest: "the PSP keeps IOMMU blocked until the guest enables it" (the sDTE stays invalid until SDTE_WRITE) [REF §2 who triggers]',
  'snp-decommission-requires-no-bound-tdi': 'SNP_DECOMMISSION while TDIs are bound to the guest context gets SEV_RET_IN_USE: unbind before the guest goes [REF §3 VM lifetime, TEEIO code]',
  'guest-request-requires-owner': 'a guest message naming a TDI that is not the guest\'s gets SEV_RET_INVALID_GUEST / *_INVALID_TDI [REF §2, GST]',
  'sdte-write-requires-bound': 'SDTE_WRITE of a valid entry for an unbound TDI gets SDTE_WRITE_TDI_NOT_BOUND [GST]',
  'mmio-validate-requires-bound': 'MMIO_VALIDATE validated=1 of an unbound TDI gets MMIO_VALIDATE_TDI_UNBOUND [REF §2]',
  'guest-range-requires-reported': 'MMIO_VALIDATE / MMIO_CONFIG of a range id the report does not list as TEE get *_NOT_REPORTED [REF §2]',
  'mmio-validate-within-range': 'MMIO_VALIDATE of pages outside the reported range gets MMIO_VALIDATE_OUT_OF_RANGE [REF §2]',
  'mmio-validate-requires-assigned': 'MMIO_VALIDATE only of pages the RMP update assigned to the guest\'s ASID with the TDI\'s IDE stream; else MMIO_VALIDATE_NOT_ASSIGNED [REF §2]',
  'mmio-validate-requires-uniform': 'MMIO_VALIDATE over pages whose Validated bit differs gets MMIO_VALIDATE_NOT_UNIFORM unless forced [REF §2]',
  'mmio-validate-requires-immutable': 'MMIO_VALIDATE of a page not immutable while not validated gets MMIO_VALIDATE_NOT_IMMUTABLE [REF §2]',
  'mmio-validate-requires-mapped-gpa': 'MMIO_VALIDATE of a page the RMP maps at another GPA gets MMIO_VALIDATE_NOT_MAPPED [REF §2]',
  'mmio-config-requires-bound': 'MMIO_CONFIG of an unbound TDI gets MMIO_CONFIG_TDI_UNBOUND [GST]',
  'mmio-config-requires-updatable': 'an MMIO_CONFIG write of a range not IS_MEM_ATTR_UPDATABLE gets MMIO_CONFIG_COULD_NOT_CHANGE [REF §2 "on updatable ranges"]',
  'rmp-update-requires-unassigned': 'RMPUPDATE of pages assigned already fails with FAIL_INUSE [TEEIO: name from the AMD APM]',
  'rmp-violation-fences-asid': 'an RMP fault on a bound TDI\'s MMIO traffic fences the ASID until TIO_ASID_FENCE_CLEAR [REF §3 ASID fencing]',
  'host-disconnect-requires-no-bound-tdi': 'the host refuses a disconnect while TDIs are bound: -EBUSY (tsm-host.c `if (tdev->bound)`) [REF §1]',
  'host-bind-requires-connected': 'the host binds only on a connected device: -ENXIO before any TIO_TDI_CREATE [REF §1 connect, then bind order]',
  'host-run-requires-config-locked': 'tdi_run issues TIO_TDI_BIND(RUN_FORCE) only when TIO_TDI_STATUS says CONFIG_LOCKED; else -EIO [REF §1 bind order 4]',
  'host-unbind-makes-rmp-shared': 'host unbind ends with rmp_make_shared() on every BAR page of the TDI: the CCP driver clears the RMP [REF §1 unbind order 5]',
} as const;

export type SevTioRuleId = keyof typeof SEV_TIO_RULES;
export const SEV_TIO_RULE_IDS = ruleIdsOf(SEV_TIO_RULES);
/** Options of the SEV-TIO model for one run: the rules it does not enforce. */
export type SevTioModelOptions = ModelOptions<SevTioRuleId>;
export const SEV_TIO_MODEL_OPTIONS: InjectionToken<SevTioModelOptions> = Symbol.for('teeio.arch-sev-tio.model-options');
