/**
 * teeio-arch-cove-io: the teeio backend for cove-io. The declaration says what the plugin is; register()
 * wires its classes into the container the core gives each run. A plugin imports only
 * `@teeio/core` (tsyringe's decorators included), so it shares the core's one DI container.
 */
import { ATTESTATION_PORT, CORE_API_VERSION, type DependencyContainer, FIRMWARE_STATE, IOMMU_PORT, Lifecycle, MMIO_PORT, type PluginDeclaration, type PluginModule, TSM_PORT } from '@teeio/core';
import { STATUS } from './codes.js';
import { DeviceCalls } from './firmware/device.js';
import { FirmwareModel } from './firmware/firmware.js';
import { Interfaces } from './firmware/interfaces.js';
import { TdiCalls } from './firmware/tdi.js';
import { VmCalls } from './firmware/vm.js';
import { PLANS } from './plans.js';
import { Attestation } from './ports/attestation.js';
import { Iommu } from './ports/iommu.js';
import { Mmio } from './ports/mmio.js';
import { Tsm } from './ports/tsm.js';
import { DEFAULT_MODEL_OPTIONS, MODEL_OPTIONS, type ModelOptions } from './rules.js';

export { RULES, RULE_IDS, type RuleId, type ModelOptions } from './rules.js';
export { STATUS } from './codes.js';
export { PLANS } from './plans.js';

export const declaration: PluginDeclaration = {
  name: 'teeio-arch-cove-io',
  version: '0.1.0',
  coreApi: `^${CORE_API_VERSION}`,
  arch: 'cove-io',
  provides: ['tsm', 'mmio', 'iommu', 'attestation'],
  dependsOn: [],
  // The TSM answers a DOE exchange that did not complete with SBI_ERR_TIMEOUT (codes.ts).
  firmware: { name: 'CoVE-IO TSM (AP-TEE-IO v0.1)', injectedFailure: STATUS.TIMEOUT },
  semantics: {
    summary:
      'The host adds the TVM interface region, then bind_interface LOCKs; the TVM reads the report (get_interface_report), maps each range (map_interface_mmio) and starts the interface (RUN), and only then are the mappings enabled; unbind: STOP, unmap, unbind_interface; disconnect_device refuses a bound interface unless forced.',
    // No CoVE-specific FLR rule in v0.1: the kernel's VFIO unbinds, revokes, then resets.
    flrPolicy: 'vfio-unbinds',
    // destroy_tvm refuses a TVM with a bound interface (rules.ts destroy-requires-unbound).
    vmDestroyRequiresUnbind: true,
    // The flow that undoes each flow when a step of it fails.
    unwind: { connect: 'disconnect', createVpci: 'vfioClose', bind: 'unbind', accept: 'unbind', unlock: 'unbind' },
  },
  plans: PLANS,
};

const FIRMWARE_OBJECTS = [Interfaces, VmCalls, DeviceCalls, TdiCalls] as const;

/** Wires the firmware model (one instance per run) and the four port classes. */
export function register(c: DependencyContainer, options: ModelOptions = DEFAULT_MODEL_OPTIONS): void {
  c.register(MODEL_OPTIONS, { useValue: options });
  c.register(FirmwareModel, { useClass: FirmwareModel }, { lifecycle: Lifecycle.ContainerScoped });
  c.register(FIRMWARE_STATE, { useToken: FirmwareModel });
  for (const calls of FIRMWARE_OBJECTS) c.register<unknown>(calls, { useClass: calls }, { lifecycle: Lifecycle.ContainerScoped });
  c.register(TSM_PORT, { useClass: Tsm });
  c.register(MMIO_PORT, { useClass: Mmio });
  c.register(IOMMU_PORT, { useClass: Iommu });
  c.register(ATTESTATION_PORT, { useClass: Attestation });
}

/** The plugin with some rules switched off (RULES ids): what each rule prevents. */
export function withModelOptions(options: ModelOptions): PluginModule {
  return { declaration, register: (c) => register(c, options) };
}
