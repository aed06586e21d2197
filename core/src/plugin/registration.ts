import { type DependencyContainer, type InjectionToken, container as rootContainer } from 'tsyringe';
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
  let returned: unknown;
  try {
    returned = module.register(child);
  } catch (e) {
    throw new PluginRefusal(specifier, 'register-threw', `register() threw: ${firstLine(e)}`, e);
  }
  if (returned instanceof Promise) {
    // Ports are resolved as soon as register() returns, so what an async register() does after
    // its first await would race the run. The plugin is refused; its promise's outcome no longer
    // matters, and must not surface later as an unhandled rejection.
    returned.catch(() => undefined);
    throw new PluginRefusal(specifier, 'register-async', 'register() returned a promise; it must register synchronously');
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
 * Resolves `token` (`what` names it: "the tsm port") from the plugin's container, constructing
 * the plugin's class: a constructor that throws is the plugin's failure, not the core's.
 */
export function constructFromPlugin<T>(specifier: string, container: DependencyContainer, token: InjectionToken<T>, what: string): T {
  try {
    return container.resolve(token);
  } catch (e) {
    throw new PluginRefusal(specifier, 'construction-threw', `constructing ${what} threw: ${firstLine(e)}`, e);
  }
}

/**
 * The plugin's container for one run: a child of `parent` (which holds the run's core
 * services) into which the plugin registered its classes; resolve the ports from it.
 * Throws PluginRefusal (`register-threw`, `register-async`) if register() misbehaves this time.
 */
export function createRunContainer(plugin: LoadedPlugin, parent: DependencyContainer): DependencyContainer {
  return registerPlugin(plugin.specifier, plugin.module, parent);
}
