import { DEVICE_MODEL_EVENTS, DEVICE_MODEL_HOSTS, MAX_DEVICE_MODEL_TDIS } from './device-model.js';

/** The JSON Schema of a device model ("world": "device"); part of `teeio schema model`. */
export const DEVICE_MODEL_SCHEMA = {
  type: 'object',
  description: 'The simulated device alone: N identical TDIs, a host rule set, and per-TDI events that may fire in any order, each at most max times per TDI per path.',
  properties: {
    $schema: { type: 'string' },
    world: { const: 'device' },
    name: { type: 'string', minLength: 1 },
    description: { type: 'string' },
    device: {
      type: 'object',
      properties: {
        preset: { enum: ['spdm-emu-sample'], description: "the device; its TDI is replicated as functions 1..tdis beside the DSM's function 0" },
        tdis: { type: 'integer', minimum: 1, maximum: MAX_DEVICE_MODEL_TDIS },
      },
      required: ['preset', 'tdis'],
      additionalProperties: false,
    },
    host: { enum: [...DEVICE_MODEL_HOSTS], description: "whose rules the host follows (tdx: TDH.MMIO.UNMAP only in CONFIG_UNLOCKED)" },
    events: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        properties: { fire: { enum: [...DEVICE_MODEL_EVENTS] }, max: { type: 'integer', minimum: 1, maximum: 16 } },
        required: ['fire'],
        additionalProperties: false,
      },
    },
    deadlock: { type: 'boolean' },
  },
  required: ['world', 'name', 'device', 'host', 'events'],
  additionalProperties: false,
} as const;

/** A trace step of a device model in `teeio explore --format json`. */
export const DEVICE_STEP_SCHEMA = {
  type: 'object',
  properties: { fire: { enum: [...DEVICE_MODEL_EVENTS] }, tdi: { type: 'integer', minimum: 0 } },
  required: ['fire', 'tdi'],
  additionalProperties: false,
} as const;
