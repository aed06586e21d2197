/**
 * @teeio/arch-sev-tio: AMD SEV-TIO (TEE-IO for SEV-SNP) as in Alexey Kardashevskiy's Linux patches
 * (../shared/reference/sev-tio.md): a PSP firmware model (Psp), the host's CCP driver that relays
 * its DOE requests (SevTioHost), the RMP for MMIO, sDTEs and ASID fences, behind the four ports.
 */
import { ATTESTATION_PORT, CORE_API_VERSION, ENFORCE_ALL, FIRMWARE_STATE, IOMMU_PORT, MMIO_PORT, type PluginDeclaration, type PluginModule, TSM_PORT } from '@teeio/core';
import { type DependencyContainer, Lifecycle } from 'tsyringe';
import { SevTioAttestation } from './attestation.js';
import { SevTioHost } from './ccp.js';
import { SevTioIommu } from './iommu.js';
import { SevTioMmio } from './mmio.js';
import { SEV_TIO_PLANS } from './plans.js';
import { Psp } from './psp.js';
import { SEV_TIO_MODEL_OPTIONS, type SevTioModelOptions } from './rules.js';
import { SevTioFirmware } from './state.js';
import { SevTioTsm } from './tsm.js';

export const ARCH_ID = 'sev-tio';

export const declaration: PluginDeclaration = {
  name: '@teeio/arch-sev-tio',
  version: '0.1.0',
  coreApi: `^${CORE_API_VERSION}`,
  arch: ARCH_ID,
  provides: ['tsm', 'mmio', 'iommu', 'attestation'],
  dependsOn: [],
  // SEV_RET_RESOURCE_LIMIT (0x17, psp-sev.h): a status any PSP command may return when the
  // firmware is out of a resource; the driver gives up on the command, so it exercises every
  // error path. psp-sev.h has no "busy" status.
  firmware: { name: 'AMD PSP (SEV-TIO)', injectedFailure: 'SEV_RET_RESOURCE_LIMIT' },
  semantics: {
    summary:
      'The host binds at the guest\'s request (SEV_TIO_OP BIND): TIO_TDI_CREATE and TIO_TDI_BIND with the guest BDF and the SNP guest context as identity lock the TDI; ' +
      'the hypervisor keeps its own mappings and the RMP enforces: KVM assigns the MMIO pages to the guest\'s ASID after bind, a hypervisor access takes an RMP fault without disturbing the device, ' +
      'and the host may revoke at any time (an RMP fault on a bound TDI\'s traffic fences the ASID until TIO_ASID_FENCE_CLEAR). ' +
      'The TDI reaches RUN at attest (TIO_TDI_BIND RUN_FORCE on the guest\'s RUN request) with DMA blocked until the guest writes its sDTE (SDTE_WRITE) and validates its MMIO (MMIO_VALIDATE). ' +
      'The PSP talks to the device only through the host\'s DOE relay (SEV_RET_SPDM_REQUEST). ' +
      'FLR: nothing in SEV-TIO blocks it ("equals to any other PCI error"), so VFIO unbinds the TDI, revokes, then resets, and the guest attests again. ' +
      'VM destroy: the guest context must outlive every bound TDI (TIO_TDI_UNBIND names it; "tsm_tdi_unbind() is not called before the guest disappeared from the firmware"), so devices are unbound first.',
    flrPolicy: 'vfio-unbinds',
    vmDestroyRequiresUnbind: true,
    unwind: { connect: 'disconnect', createVpci: 'vfioClose', bind: 'unbind', accept: 'unlock', unlock: 'unbind', unbind: 'unbind', vfioClose: 'vfioClose', flr: 'flr', vmDestroy: 'vmDestroy', disconnect: 'disconnect' },
  },
  plans: SEV_TIO_PLANS,
};

/** Every class shares the one firmware state of its run's container. */
export function register(c: DependencyContainer, options: SevTioModelOptions = ENFORCE_ALL): void {
  c.register(SEV_TIO_MODEL_OPTIONS, { useValue: options });
  c.register(SevTioFirmware, { useClass: SevTioFirmware }, { lifecycle: Lifecycle.ContainerScoped });
  c.register(FIRMWARE_STATE, { useToken: SevTioFirmware });
  c.register(Psp, { useClass: Psp }, { lifecycle: Lifecycle.ContainerScoped });
  c.register(SevTioHost, { useClass: SevTioHost }, { lifecycle: Lifecycle.ContainerScoped });
  c.register(TSM_PORT, { useClass: SevTioTsm });
  c.register(MMIO_PORT, { useClass: SevTioMmio });
  c.register(IOMMU_PORT, { useClass: SevTioIommu });
  c.register(ATTESTATION_PORT, { useClass: SevTioAttestation });
}

/** The plugin with some of the model's rules switched off (SEV_TIO_RULES ids), for what-if runs and the rule tests. */
export function withModelOptions(options: SevTioModelOptions): PluginModule {
  return { declaration, register: (c) => register(c, options) };
}

export { SEV_TIO_RULES, SEV_TIO_RULE_IDS, SEV_TIO_MODEL_OPTIONS, type SevTioRuleId, type SevTioModelOptions } from './rules.js';
export { SevTioFirmware, type PspState } from './state.js';
export { Psp, lockFlagProblem } from './psp.js';
export { SevTioHost, HOST_LOCK_FLAGS } from './ccp.js';
export { SevTioMmio } from './mmio.js';
export { SevTioIommu } from './iommu.js';
export { SevTioTsm } from './tsm.js';
export { SevTioAttestation } from './attestation.js';
export * from './codes.js';
