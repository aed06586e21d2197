import type { DeviceConfig } from './config.js';
import { validateDeviceConfig } from './config-validate.js';
import { RecordOwnership } from './copy-on-write.js';
import { LockedIndex } from './locked-index.js';
import { sharedState } from './snapshot.js';
import { type DeviceModel, type DeviceState, initialState } from './state.js';
import { IMPLEMENTED_REQUESTS } from './tdisp-requests.js';
import { type Topology, topologyOf } from './topology.js';

/**
 * A device configuration checked once, with its lookups and initial state: every device built
 * from it shares the configuration and topology (neither ever changes) and starts from the
 * initial state's records, copying each before it first writes it. Validating and deriving per
 * device would cost more than the rest of a run's world.
 */
export class DeviceBlueprint {
  readonly config: DeviceConfig;
  readonly topology: Topology;
  private readonly initial: DeviceState;

  /** Throws DeviceConfigError for a configuration no device could have. */
  constructor(config: DeviceConfig) {
    validateDeviceConfig(config, IMPLEMENTED_REQUESTS);
    this.config = structuredClone(config);
    this.topology = topologyOf(this.config);
    this.initial = initialState(this.config);
  }

  /**
   * A fresh model: the shared configuration and topology, and the initial state's records
   * shared too (copy-on-write.ts): the device copies a record before its first write, so a world
   * copies only the records it touches, not every function of a device of thousands of VFs.
   */
  model(): DeviceModel {
    return { config: this.config, topology: this.topology, state: sharedState(this.initial), locks: new LockedIndex(), ownership: new RecordOwnership() };
  }
}
