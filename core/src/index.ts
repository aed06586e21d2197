/**
 * @teeio/core public API. Plugins import only from here.
 */
export * from './wire/index.js';
export * from './util/seeded-random.js';
export * from './util/canonical.js';
export * from './device/responder.js';
export * from './transport/index.js';
export * from './model/ids.js';
export * from './ports/result.js';
export * from './ports/tsm.js';
export * from './ports/mmio.js';
export * from './ports/iommu.js';
export * from './ports/attestation.js';
export * from './ports/tokens.js';
export * from './trace/actor.js';
export * from './trace/tracer.js';
export * from './faults/fault-plan.js';
export * from './firmware/firmware-calls.js';
export * from './lifecycle/vocabulary.js';
export * from './lifecycle/plan.js';
export * from './plugin/declaration.js';
export * from './device/index.js';
