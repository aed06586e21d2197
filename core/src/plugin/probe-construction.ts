import { container as rootContainer } from 'tsyringe';
import { PORT_METHODS } from '../ports/methods.js';
import type { PortName } from '../ports/tokens.js';
import { World } from '../world/world.js';
import type { WorldSpec } from '../world/platform.js';
import type { LoadedPlugin } from './loaded-plugin.js';
import { PluginRefusal } from './refusal.js';

/** A world with nothing in it: enough for the plugin's classes to be constructed. */
const EMPTY_WORLD: WorldSpec = { devices: [], vms: [], assignments: [], seed: 'probe', faults: [] };

/**
 * Every port object has every method of its port's interface (PORT_METHODS): a missing one
 * would otherwise surface mid-run as "… is not a function", after steps have already run.
 */
function checkPortMethods(specifier: string, ports: Readonly<Record<PortName, object>>): void {
  for (const [port, methods] of Object.entries(PORT_METHODS) as [PortName, readonly string[]][]) {
    const instance = ports[port] as Record<string, unknown>;
    const missing = methods.find((m) => typeof instance[m] !== 'function');
    if (missing !== undefined) {
      throw new PluginRefusal(specifier, 'missing-port-method', `the ${port} port has no method ${missing}() (every method of the core's ${port} port interface is required)`);
    }
  }
}

/**
 * Builds a world on the plugin as a run does (a second register() into a fresh container, then
 * every port and FIRMWARE_STATE constructed) and checks each port's methods, so that `teeio
 * plugins` refuses what `teeio run` would fail on. Throws PluginRefusal.
 */
export function probeConstruction(plugin: LoadedPlugin): void {
  checkPortMethods(plugin.specifier, new World(EMPTY_WORLD, plugin, rootContainer).ports);
}
