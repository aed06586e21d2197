/**
 * @teeio/core public API. Plugins import only from here.
 */
export * from './wire/index.js';
export * from './util/seeded-random.js';
export * from './util/canonical.js';
export * from './device/responder.js';
export * from './transport/index.js';
