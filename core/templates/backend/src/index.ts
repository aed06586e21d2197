/**
 * __PACKAGE__: the teeio backend for __ARCH__. The declaration says what the plugin is; register()
 * wires its classes into the container the core gives each run. A plugin imports only
 * `@teeio/core` (tsyringe's decorators included), so it shares the core's one DI container.
 */
import { ATTESTATION_PORT, CORE_API_VERSION, type DependencyContainer, FIRMWARE_STATE, IOMMU_PORT, Lifecycle, MMIO_PORT, type PluginDeclaration, type PluginModule, TSM_PORT } from '@teeio/core';
import { STATUS } from './codes.js';
import { DeviceCalls } from './firmware/device.js';
import { FirmwareModel } from './firmware/firmware.js';
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
  name: '__PACKAGE__',
  version: '0.1.0',
  coreApi: `^${CORE_API_VERSION}`,
  arch: '__ARCH__',
  provides: ['tsm', 'mmio', 'iommu', 'attestation'],
  dependsOn: [],
  // TODO: your firmware's name, and the status it answers a transient failure with (cite it).
  firmware: { name: '__ARCH__ firmware', injectedFailure: STATUS.BUSY },
  semantics: {
    summary: 'TODO: who drives LOCK and START, when private MMIO is mapped, the unbind order and why, what the firmware refuses.',
    // TODO: 'vfio-unbinds' (VFIO unbinds, revokes, then resets) or the policy your host enforces.
    flrPolicy: 'vfio-unbinds',
    // TODO: true when your firmware refuses to destroy a VM that still has a bound TDI.
    vmDestroyRequiresUnbind: true,
    // The flow that undoes each flow when a step of it fails.
    unwind: { connect: 'disconnect', createVpci: 'vfioClose', bind: 'unbind', accept: 'unbind', unlock: 'unbind' },
  },
  plans: PLANS,
};

const FIRMWARE_OBJECTS = [VmCalls, DeviceCalls, TdiCalls] as const;

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
