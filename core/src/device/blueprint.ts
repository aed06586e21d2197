import type { DeviceConfig } from './config.js';
import { validateDeviceConfig } from './config-validate.js';
import { LockedIndex } from './locked-index.js';
import { cloneDeviceState } from './snapshot.js';
import { type DeviceModel, type DeviceState, initialState } from './state.js';
import { IMPLEMENTED_REQUESTS } from './tdisp-requests.js';
import { type Topology, topologyOf } from './topology.js';

/**
 * A device configuration checked once, with its lookups and initial state: every device built
 * from it shares the configuration and topology (neither ever changes) and gets its own copy of
 * the state. Validating and deriving per device would cost more than the rest of a run's world.
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
   * A fresh model: the shared configuration and topology, a copy of the initial state (by the
   * snapshots' clone written for the state's shapes: the generic copy cost a tenth of a world).
   */
  model(): DeviceModel {
    return { config: this.config, topology: this.topology, state: cloneDeviceState(this.initial), locks: new LockedIndex() };
  }
}
