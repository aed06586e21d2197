/**
 * @teeio/arch-tdx: Intel TDX Connect. A model of the TDX module (its TDX Connect metadata as
 * plain data, SEAMCALLs and TDCALLs by their TDX names, each rule of the sources as a check
 * returning the module's own status) and the host code that drives it: tdx-host's link TSM,
 * KVM's S-EPT MMIO hooks, the VT-d trusted context set-up, the TDX guest's TDCALLs.
 *
 * Names: the upstream ones where the Linux TDX Connect series has them (TDH.IOMMU.SETUP,
 * TDH.SPDM.*, TDH.IDE.STREAM.*, TDH.MMIO.MAP/BLOCK/UNMAP), the newest guest-side ones
 * (TDG.TDI.START/RD, TDG.MMIO.ACCEPT, TDG.DMAR.ACCEPT, TDH.TDI.START, TDH.MMIO.MT.SET), and the
 * 2023 prototype's where only those describe a step (TDH.DEVIF.CREATE/REQUEST/RESPONSE/REMOVE,
 * TDH.DMAR.ADD/BLOCK/REMOVE, TDH.IQINV.REQ, TDG.DEVIF.REQUEST). See codes.ts for every status.
 */
import { ATTESTATION_PORT, CORE_API_VERSION, ENFORCE_ALL, FIRMWARE_STATE, IOMMU_PORT, MMIO_PORT, type PluginDeclaration, type PluginModule, TSM_PORT } from '@teeio/core';
import { type DependencyContainer, Lifecycle } from 'tsyringe';
import { TdxHostDriver } from './host/driver.js';
import { DevifCalls } from './module/devif.js';
import { DmarCalls } from './module/dmar.js';
import { TdxFirmware } from './module/firmware.js';
import { SeptCalls } from './module/sept.js';
import { SpdmIdeCalls } from './module/spdm-ide.js';
import { TdCalls } from './module/td.js';
import { TDX_PLANS } from './plans.js';
import { TdxAttestation } from './ports/attestation.js';
import { TdxIommu } from './ports/iommu.js';
import { TdxMmio } from './ports/mmio.js';
import { TdxTsm } from './ports/tsm.js';
import { TDX_MODEL_OPTIONS, type TdxModelOptions } from './rules.js';

export { TDX, type TdxStatus } from './codes.js';
export { TDX_RULES, TDX_RULE_IDS, TDX_MODEL_OPTIONS, type TdxRuleId, type TdxModelOptions } from './rules.js';
export { TDX_PLANS } from './plans.js';
export { SESSION_KEY_MESSAGE_LIMIT } from './module/spdm-ide.js';
export type { TdxState } from './module/state.js';
export { TdxFirmware, TdxHostDriver, SpdmIdeCalls, DevifCalls, SeptCalls, DmarCalls, TdCalls };

export const declaration: PluginDeclaration = {
  name: '@teeio/arch-tdx',
  version: '0.1.0',
  coreApi: `^${CORE_API_VERSION}`,
  arch: 'tdx',
  provides: ['tsm', 'mmio', 'iommu', 'attestation'],
  dependsOn: [],
  firmware: { name: 'Intel TDX module (TDX Connect)', injectedFailure: 'TDX_OPERAND_BUSY' },
  semantics: {
    summary:
      'The TDX module is the TSM. The host binds with the host BDF and the TD (TDH.DEVIF.CREATE) and LOCKs through the module; KVM maps private MMIO into the S-EPT (TDH.MMIO.MAP, MMIO_PENDING) after LOCK, the guest accepts it (TDG.MMIO.ACCEPT) and trusted DMA (TDG.DMAR.ACCEPT: the IOMMU walks the S-EPT), and RUN needs the guest\'s TDG.TDI.START and the host\'s TDH.TDI.START, which requires all TEE MMIO private. Unbind is STOP, S-EPT unmap (refused before STOP; KVM_BUG_ON on error), trusted DMA cleanup, then TDH.DEVIF.REMOVE (refused while MMIO or DMA is mapped); the TD goes only after every DEVIF. An FLR is preceded by unbind and MMIO revoke.',
    flrPolicy: 'vfio-unbinds',
    vmDestroyRequiresUnbind: true,
    // Teardown flows unwind with themselves: a retry continues from what is left.
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
  plans: TDX_PLANS,
};

/** Wires the module model (one instance per run) and the host-side port classes. */
export function register(c: DependencyContainer, options: TdxModelOptions = ENFORCE_ALL): void {
  c.register(TDX_MODEL_OPTIONS, { useValue: options });
  c.register(TdxFirmware, { useClass: TdxFirmware }, { lifecycle: Lifecycle.ContainerScoped });
  c.register(FIRMWARE_STATE, { useToken: TdxFirmware });
  for (const calls of [SpdmIdeCalls, DevifCalls, SeptCalls, DmarCalls, TdCalls, TdxHostDriver] as const) c.register<unknown>(calls, { useClass: calls }, { lifecycle: Lifecycle.ContainerScoped });
  c.register(TSM_PORT, { useClass: TdxTsm });
  c.register(MMIO_PORT, { useClass: TdxMmio });
  c.register(IOMMU_PORT, { useClass: TdxIommu });
  c.register(ATTESTATION_PORT, { useClass: TdxAttestation });
}

/**
 * The plugin with some of the module's rules switched off (TDX_RULES ids): the same
 * declaration, a model that does not enforce them. For what-if runs and for the tests that
 * prove each rule is what stops its scenario.
 */
export function withModelOptions(options: TdxModelOptions): PluginModule {
  return { declaration, register: (c) => register(c, options) };
}
