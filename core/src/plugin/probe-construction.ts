import { container as rootContainer } from 'tsyringe';
import { World } from '../world/world.js';
import type { WorldSpec } from '../world/platform.js';
import type { LoadedPlugin } from './loaded-plugin.js';

/** A world with nothing in it: enough for the plugin's classes to be constructed. */
const EMPTY_WORLD: WorldSpec = { devices: [], vms: [], assignments: [], seed: 'probe', faults: [] };

/**
 * Builds a world on the plugin as a run does (a second register() into a fresh container, then
 * every port and FIRMWARE_STATE constructed), so that `teeio plugins` refuses what `teeio run`
 * would fail on. Throws PluginRefusal.
 */
export function probeConstruction(plugin: LoadedPlugin): void {
  new World(EMPTY_WORLD, plugin, rootContainer);
}
