import { type DependencyContainer, container as rootContainer } from 'tsyringe';
import { PORTS } from '../ports/tokens.js';
import { FIRMWARE_STATE } from '../world/services.js';
import type { PluginModule } from './declaration.js';
import type { LoadedPlugin } from './loaded-plugin.js';
import { PluginRefusal, firstLine } from './refusal.js';

/**
 * Calls the plugin's register() on a new child of `parent` and returns the child: the plugin's
 * classes live in their own container and see the core services `parent` holds.
 */
function registerPlugin(specifier: string, module: PluginModule, parent: DependencyContainer): DependencyContainer {
  const child = parent.createChildContainer();
  try {
    module.register(child);
  } catch (e) {
    throw new PluginRefusal(specifier, 'register-threw', `register() threw: ${firstLine(e)}`);
  }
  return child;
}

/**
 * Registers the plugin into a throw-away container and checks that every port it declares
 * is registered there, in the child itself (a port inherited from a parent would not be the
 * plugin's). Nothing is resolved, so none of the plugin's classes is constructed.
 */
export function probeRegistration(specifier: string, module: PluginModule): void {
  const probe = registerPlugin(specifier, module, rootContainer);
  const unregistered = module.declaration.provides.filter((p) => !probe.isRegistered(PORTS[p]));
  if (unregistered.length > 0) {
    throw new PluginRefusal(specifier, 'missing-port', `register() did not register the declared port(s) ${unregistered.join(', ')}`);
  }
  // Not a port, but the core cannot snapshot or hash a world without it.
  if (!probe.isRegistered(FIRMWARE_STATE)) throw new PluginRefusal(specifier, 'missing-port', 'register() did not register FIRMWARE_STATE (the firmware state the core snapshots)');
}

/**
 * The plugin's container for one run: a child of `parent` (which holds the run's core
 * services) into which the plugin registered its classes; resolve the ports from it.
 * Throws PluginRefusal (`register-threw`) if register() throws this time.
 */
export function createRunContainer(plugin: LoadedPlugin, parent: DependencyContainer): DependencyContainer {
  return registerPlugin(plugin.specifier, plugin.module, parent);
}
