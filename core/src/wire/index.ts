// The wire layer: byte-exact codecs for PCI DOE, the SPDM PCI-SIG vendor-defined wrapper,
// TDISP and IDE_KM. Everything above talks to devices only through these messages.
export * from './codec/codec.js';
export * from './codec/errors.js';
export * from './codec/hex.js';
export * from './codec/message-set.js';
export * from './codec/reader.js';
export * from './codec/single.js';
export * from './codec/writer.js';
export * from './doe/codes.js';
export * from './doe/data-object.js';
export * from './idekm/codes.js';
export * from './idekm/key-sub-stream.js';
export * from './idekm/messages.js';
export * from './spdm/codes.js';
export * from './spdm/messages.js';
export * from './spdm/pcisig.js';
export * from './stack.js';
export * from './tdisp/codes.js';
export * from './tdisp/interface-id.js';
export * from './tdisp/messages.js';
export * from './tdisp/report.js';
export * from './relayed.js';
