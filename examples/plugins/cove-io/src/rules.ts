import { ENFORCE_ALL, type InjectionToken, type ModelOptions as CoreModelOptions, ruleIdsOf } from '@teeio/core';

/**
 * The ordering rules the TSM model enforces, by id, each with the code it returns and its
 * source. [cove-io] is AP-TEE-IO v0.1 as summarised in teeio's reference (state-2026.md);
 * [sbi] is the SBI specification's error table. Each is one check guarded by `enforces(id)`
 * (firmware/firmware.ts), so a run can switch it off and a test can show what the rule prevents.
 */
export const RULES = {
  'bind-requires-connected':
    'COVH bind_interface on a device without connect_device (no SPDM session, no IDE keys) gets SBI_ERR_INVALID_STATE: connect_device comes first [cove-io]',
  'bind-requires-region':
    'COVH bind_interface before add_tvm_interface_region gets SBI_ERR_INVALID_STATE: "MMIO regions added before bind" [cove-io]',
  'map-requires-locked':
    'COVG map_interface_mmio for an interface not bound to the calling TVM gets SBI_ERR_INVALID_STATE: the report, and so the ranges, exist only in CONFIG_LOCKED or RUN [cove-io; linux-tsm §4]',
  'start-requires-mapped':
    'COVG start_interface before the TVM mapped every range with map_interface_mmio gets SBI_ERR_INVALID_STATE: the TVM accepts the MMIO, then starts [cove-io]; the model is stricter than v0.1, which does not say',
  'unbind-requires-stopped':
    'COVH unbind_interface of an interface still CONFIG_LOCKED or RUN gets SBI_ERR_INVALID_STATE: stop_interface (TDISP STOP) comes first [cove-io; linux-tsm §4]',
  'unbind-requires-unmapped':
    'COVH unbind_interface while a range is still in the TVM stage 2 gets SBI_ERR_DENIED: the host removes the mapping before the TSM frees the interface (model choice; v0.1 is silent)',
  'disconnect-requires-unbound':
    'COVH disconnect_device while an interface of the device is bound gets SBI_ERR_DENIED; with force the TSM stops every bound interface first [cove-io: "disconnect stops every bound interface first"]',
  'destroy-requires-unbound':
    'COVH destroy_tvm while an interface is bound to the TVM gets SBI_ERR_DENIED: "VM could only be destroyed after all assigned CC vPCI devices are destroyed" [state-2026, Yilun]',
  'dma-requires-run':
    'Trusted DMA of the interface is enabled only in RUN: an enable before start_interface gets SBI_ERR_INVALID_STATE ("DMA only in RUN" [linux-tsm §4])',
} as const;

export type RuleId = keyof typeof RULES;
export const RULE_IDS = ruleIdsOf(RULES);

/** Options of the firmware model for one run: the rules it does not enforce. */
export type ModelOptions = CoreModelOptions<RuleId>;

export const MODEL_OPTIONS: InjectionToken<ModelOptions> = Symbol.for('teeio-arch-cove-io.model-options');
export const DEFAULT_MODEL_OPTIONS: ModelOptions = ENFORCE_ALL;
