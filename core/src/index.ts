/**
 * @teeio/core public API. Plugins import only from here.
 */
export * from './wire/index.js';
