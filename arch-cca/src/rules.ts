import { type ModelOptions, ruleIdsOf } from '@teeio/core';
import type { InjectionToken } from 'tsyringe';

/**
 * The rules the RMM model (and the realm's driver) enforces, by id, each with where it comes
 * from: [§5] the orders driven on the real TF-RMM 9a7f8ef4 (arm-cca.md §5), [§n] another
 * section of arm-cca.md. Each is one check guarded by `enforces(id)`, so a run can switch it
 * off and the tests prove that each test of a rule fails without it.
 */
export const CCA_RULES = {
  'vdev-op-requires-state': 'RMI_VDEV_LOCK in UNLOCKED, START in LOCKED, GET_INTERFACE_REPORT in LOCKED/STARTED, UNLOCK in LOCKED/STARTED/ERROR; otherwise RMI_ERROR_DEVICE [§5]',
  'vdev-one-pending-op': 'a VDEV operation while another is pending gets RMI_ERROR_DEVICE [§5]',
  'vdev-unlock-requires-no-dev-mapping': 'RMI_VDEV_UNLOCK while a device granule of the VDEV is mapped gets RMI_ERROR_GRANULE, x1 = its PA [§3, §5]',
  'vdev-destroy-requires-new-or-unlocked': 'RMI_VDEV_DESTROY only in NEW or UNLOCKED; ERROR leaves through UNLOCK first [§4, §5]',
  'vdev-abort-requires-pending': 'RMI_VDEV_ABORT with nothing pending gets RMI_ERROR_DEVICE [§5]',
  'vdev-create-requires-ready-stream': 'RMI_VDEV_CREATE needs the PDEV READY and its NCOH stream connected [§3]',
  'pdev-set-pubkey-checks-key': 'RMI_PDEV_SET_PUBKEY only in NEEDS_KEY, with a key of the length its algorithm has (65/97/384) [§1]',
  'pdev-stop-requires-no-vdev': 'RMI_PDEV_STOP with a VDEV or a stream gets RMI_ERROR_DEVICE [§3, §5]',
  'stream-disconnect-requires-no-vdev': 'RMI_PDEV_STREAM_DISCONNECT with a VDEV gets RMI_ERROR_DEVICE [§5]',
  'pdev-destroy-requires-stopped': 'RMI_PDEV_DESTROY before STOPPED gets RMI_ERROR_DEVICE [§1, §5]',
  'realm-destroy-requires-no-vdev': 'RMI_REALM_DESTROY of a terminated realm gets RMI_ERROR_REALM while a VDEV exists [§4, §5]',
  'rtt-dev-map-within-vdev-ranges': 'RMI_RTT_DEV_MAP of a granule outside the VDEV\'s ranges gets RMI_ERROR_INPUT (block_in_vdev_range) [§3, §5]',
  'rsi-call-requires-vdev-complete': 'an RSI_VDEV_* call the host did not answer with RMI_VDEV_COMPLETE returns RSI_ERROR_INPUT [§2, §5]',
  'rsi-validate-requires-locked': 'RSI_VDEV_VALIDATE_MAPPING only in LOCKED or STARTED, else RSI_ERROR_INPUT (state before nonces) [§5]',
  'rsi-nonces-current': 'RSI_VDEV_VALIDATE_MAPPING and _DMA_ENABLE with a stale nonce get RSI_ERROR_DEVICE [§2, §5]',
  'rsi-dma-enable-requires-started': 'RSI_VDEV_DMA_ENABLE before START gets RSI_ERROR_DEVICE [§2, §5]',
  'guest-checks-validate-result': 'the realm checks VALIDATE_MAPPING\'s next-IPA (x1 = top) and response (x2 = ACCEPT): a host rejection is RSI_SUCCESS [§5]',
} as const;

export type CcaRuleId = keyof typeof CCA_RULES;
export const CCA_RULE_IDS = ruleIdsOf(CCA_RULES);
/** Options of the RMM model for one run: the rules it does not enforce. */
export type CcaModelOptions = ModelOptions<CcaRuleId>;
export const CCA_MODEL_OPTIONS: InjectionToken<CcaModelOptions> = Symbol.for('teeio.arch-cca.model-options');
