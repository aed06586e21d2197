/**
 * The reference plugin: the core's test double and the starting point for a new arch. It is
 * modelled on the kernel's samples/devsec ("just enough emulation to exercise all the core
 * infrastructure"): trivial firmware, every port implemented, every plan declared.
 *
 * To write an arch plugin, copy this folder, give the declaration your arch's id, firmware
 * name and plans, model your firmware's rules in the port classes (returning your vendor's
 * error codes through FirmwareCalls), and run the conformance kit (`teeio conformance --plugin`).
 */
import { ATTESTATION_PORT, CORE_API_VERSION, FIRMWARE_STATE, IOMMU_PORT, MMIO_PORT, type PluginDeclaration, TSM_PORT } from '@teeio/core';
import { type DependencyContainer, Lifecycle } from 'tsyringe';
import { DevsecAttestation } from './attestation.js';
import { DevsecFirmware } from './firmware.js';
import { DevsecIommu } from './iommu.js';
import { DevsecMmio } from './mmio.js';
import { DEVSEC_PLANS } from './plans.js';
import { DevsecTsm } from './tsm.js';

export const declaration: PluginDeclaration = {
  name: 'teeio-reference-devsec',
  version: '0.1.0',
  coreApi: `^${CORE_API_VERSION}`,
  arch: 'devsec',
  provides: ['tsm', 'mmio', 'iommu', 'attestation'],
  dependsOn: [],
  firmware: { name: 'devsec TSM', injectedFailure: 'DEVSEC_BUSY' },
  semantics: {
    summary:
      'The emulated TSM of the kernel sample: LOCK at bind, START at the guest request, STOP at unbind; it enforces no order, so the invariants alone judge a plan.',
    flrPolicy: 'vfio-unbinds',
    vmDestroyRequiresUnbind: false,
    // A teardown flow unwinds with itself: run again, it finishes what a failed step left.
    unwind: { connect: 'disconnect', createVpci: 'vfioClose', bind: 'unbind', accept: 'unbind', unlock: 'unbind', unbind: 'unbind', vfioClose: 'vfioClose', flr: 'flr', vmDestroy: 'vmDestroy', disconnect: 'disconnect' },
  },
  plans: DEVSEC_PLANS,
};

/** Every class shares the one firmware instance of its run's container. */
export function register(c: DependencyContainer): void {
  c.register(DevsecFirmware, { useClass: DevsecFirmware }, { lifecycle: Lifecycle.ContainerScoped });
  c.register(FIRMWARE_STATE, { useToken: DevsecFirmware });
  c.register(TSM_PORT, { useClass: DevsecTsm });
  c.register(MMIO_PORT, { useClass: DevsecMmio });
  c.register(IOMMU_PORT, { useClass: DevsecIommu });
  c.register(ATTESTATION_PORT, { useClass: DevsecAttestation });
}
