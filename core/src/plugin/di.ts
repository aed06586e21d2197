/**
 * What a plugin needs of tsyringe, from the core's own copy: a plugin that imports these from
 * `@teeio/core` cannot bring a second tsyringe (whose metadata the core's container would not
 * see), and needs no dependency of its own on it.
 */
export { Lifecycle, delay, inject, injectAll, injectable, registry, scoped, singleton } from 'tsyringe';
export type { DependencyContainer, InjectionToken } from 'tsyringe';
