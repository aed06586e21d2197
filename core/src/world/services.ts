import type { InjectionToken } from 'tsyringe';
import type { FirmwareCalls } from '../firmware/firmware-calls.js';
import type { Tracer } from '../trace/tracer.js';
import type { SeededRandom } from '../util/seeded-random.js';
import type { DeviceLink } from './device-link.js';

/**
 * Core services a plugin's classes may inject (with `@inject(TOKEN)` on every constructor
 * parameter). A fresh set exists for every run, so firmware state never leaks between runs.
 */
export const TRACER: InjectionToken<Tracer> = Symbol.for('teeio.core.tracer');
export const FIRMWARE_CALLS: InjectionToken<FirmwareCalls> = Symbol.for('teeio.core.firmware-calls');
export const DEVICE_LINK: InjectionToken<DeviceLink> = Symbol.for('teeio.core.device-link');
export const RANDOM: InjectionToken<SeededRandom> = Symbol.for('teeio.core.random');

/**
 * The plugin's firmware state, as plain data, so the core can snapshot, restore and hash the
 * whole world. A plugin registers one under FIRMWARE_STATE.
 */
export interface FirmwareState {
  snapshot(): unknown;
  restore(state: unknown): void;
}
export const FIRMWARE_STATE: InjectionToken<FirmwareState> = Symbol.for('teeio.core.firmware-state');
