// The TDISP responder validator: checks written as data, and the interpreter that runs them.
export * from './built-in-device.js';
export * from './check.js';
export * from './checks.js';
export * from './format.js';
export * from './outcome.js';
export * from './run.js';
export * from './target.js';
