// Transports to TDISP responders outside this process, and serving teeio's device to them.
export * from './spdm-emu/client.js';
export * from './spdm-emu/command.js';
export * from './spdm-emu/errors.js';
export * from './spdm-emu/frame.js';
export * from './spdm-emu/frame-reader.js';
export * from './spdm-emu/peer-address.js';
export * from './spdm-emu/server.js';
