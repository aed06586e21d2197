/**
 * @teeio/arch-cca: Arm CCA device assignment at the generation TF-RMM 9a7f8ef4 implements (RMI
 * ABI 2.0; ../shared/reference/arm-cca.md §5): a model of the RMM (PDEVs, VDEVs, device memory
 * in the RTT, realms, the DA RSI), each rule returning the RMM's own status, and the host code
 * that drives it (arm-cca-host's communicate pump, KVM's REC exit and RHI handling), behind
 * the four ports. See README.md for the model's decisions and where it is stricter than the RMM.
 */
import { ATTESTATION_PORT, CORE_API_VERSION, ENFORCE_ALL, FIRMWARE_STATE, IOMMU_PORT, MMIO_PORT, type PluginDeclaration, type PluginModule, TSM_PORT } from '@teeio/core';
import { type DependencyContainer, Lifecycle } from 'tsyringe';
import { PdevCalls } from './firmware/pdev.js';
import { RealmCalls } from './firmware/realm.js';
import { RmmFirmware } from './firmware/rmm.js';
import { RsiCalls } from './firmware/rsi.js';
import { RttDevCalls } from './firmware/rtt-dev.js';
import { VdevCalls } from './firmware/vdev.js';
import { CcaHostDriver } from './host/driver.js';
import { CcaKvmExits } from './host/kvm-exits.js';
import { CCA_PLANS } from './plans.js';
import { CcaAttestation } from './ports/attestation.js';
import { CcaIommu } from './ports/iommu.js';
import { CcaMmio } from './ports/mmio.js';
import { CcaTsm } from './ports/tsm.js';
import { CCA_MODEL_OPTIONS, type CcaModelOptions } from './rules.js';

export const ARCH_ID = 'cca';
export * from './codes.js';
export { CCA_RULES, CCA_RULE_IDS, CCA_MODEL_OPTIONS, type CcaRuleId, type CcaModelOptions } from './rules.js';
export { CCA_PLANS } from './plans.js';
export { ROOT_PORT } from './host/platform.js';
export type { RmmState, PdevState, VdevState, RealmState } from './firmware/state.js';
export type { CommEnter, CommExit } from './firmware/comm.js';
export type { RecExitHandler, RealmNonces, RsiVdevInfo } from './firmware/rsi.js';
export { leafKeyOf } from './firmware/pdev.js';
export { RmmFirmware, PdevCalls, VdevCalls, RttDevCalls, RealmCalls, RsiCalls, CcaHostDriver, CcaKvmExits };

export const declaration: PluginDeclaration = {
  name: '@teeio/arch-cca',
  version: '0.1.0',
  coreApi: `^${CORE_API_VERSION}`,
  arch: ARCH_ID,
  provides: ['tsm', 'mmio', 'iommu', 'attestation'],
  dependsOn: [],
  // RMI_BUSY (10 at 2.0): a status any RMI may return; the host retries once, then unwinds.
  firmware: { name: 'Arm RMM (TF-RMM, RMI 2.0 device assignment)', injectedFailure: 'RMI_BUSY' },
  semantics: {
    summary:
      'The RMM owns the PDEV and VDEV state machines and talks to the device only through the host, which pumps every DOE exchange through RMI_PDEV_COMMUNICATE / RMI_VDEV_COMMUNICATE and caches the bulky evidence while the RMM keeps digests. ' +
      'The host binds at the realm\'s request (RHI set_tdi_state): RMI_VDEV_CREATE (vdev_id = guest RID, tdi_id = host RID) and LOCK at bind time; device memory is delegated and mapped with RMI_RTT_DEV_MAP; ' +
      'the realm reads the evidence from the host over RHI, checks it against RSI_VDEV_GET_INFO\'s digests and lock nonce, validates each range (RSI_VDEV_VALIDATE_MAPPING: RIPAS DEV), asks for RUN (RMI_VDEV_START) and enables DMA (RSI_VDEV_DMA_ENABLE, the SMMU STE). ' +
      'Every RSI_VDEV_* call exits to the host, which must answer RMI_VDEV_COMPLETE. ' +
      'Unbind unmaps device memory before RMI_VDEV_UNLOCK (RMI_ERROR_GRANULE otherwise; the opposite of TDX), then destroys the VDEV; a realm cannot be destroyed while a VDEV exists (RMI_ERROR_REALM). ' +
      'FLR: the RMM has no FLR handling and nothing on the host blocks a reset; a reset of a bound TDI only breaks its CC state, so VFIO unbinds, revokes, then resets.',
    flrPolicy: 'vfio-unbinds',
    vmDestroyRequiresUnbind: true,
    unwind: {
      connect: 'disconnect',
      createVpci: 'vfioClose',
      bind: 'unbind',
      accept: 'unbind',
      unlock: 'unbind',
      unbind: 'unbind',
      vfioClose: 'vfioClose',
      flr: 'flr',
      vmDestroy: 'vmDestroy',
      disconnect: 'disconnect',
    },
  },
  plans: CCA_PLANS,
};

const CALLS = [PdevCalls, VdevCalls, RttDevCalls, RealmCalls, RsiCalls, CcaHostDriver, CcaKvmExits] as const;

/** Wires the RMM model (one instance per run) and the host- and realm-side port classes. */
export function register(c: DependencyContainer, options: CcaModelOptions = ENFORCE_ALL): void {
  c.register(CCA_MODEL_OPTIONS, { useValue: options });
  c.register(RmmFirmware, { useClass: RmmFirmware }, { lifecycle: Lifecycle.ContainerScoped });
  c.register(FIRMWARE_STATE, { useToken: RmmFirmware });
  for (const calls of CALLS) c.register<unknown>(calls, { useClass: calls }, { lifecycle: Lifecycle.ContainerScoped });
  c.register(TSM_PORT, { useClass: CcaTsm });
  c.register(MMIO_PORT, { useClass: CcaMmio });
  c.register(IOMMU_PORT, { useClass: CcaIommu });
  c.register(ATTESTATION_PORT, { useClass: CcaAttestation });
}

/** The plugin with some of the RMM's rules switched off (CCA_RULES ids), for what-if runs and the rule tests. */
export function withModelOptions(options: CcaModelOptions): PluginModule {
  return { declaration, register: (c) => register(c, options) };
}
