import { DEVICE_PRESETS, MAX_VFS } from '../device/presets.js';
import { FAULT_KINDS } from '../faults/fault-plan.js';
import { FLR_POLICIES } from '../lifecycle/plan.js';
import { FLOW_NAMES, STEP_NAMES } from '../lifecycle/vocabulary.js';
import { ACTORS } from '../trace/actor.js';
import { DEVICE_EVENTS, HOST_EVENTS } from './scenario.js';

const bdf = { type: 'string', pattern: '^[0-9a-f]{4}:[0-9a-f]{2}:[01][0-9a-f]\\.[0-7]$', description: 'a PCI function as pci_name() prints it, e.g. 0000:01:00.1' };
const name = { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_.-]*$' };
const u16 = { anyOf: [{ type: 'integer', minimum: 0, maximum: 0xffff }, { type: 'string', pattern: '^0[xX][0-9a-fA-F]{1,4}$' }] };
const subject = { tdi: bdf, dsm: bdf, vm: name };
const action = (props: Record<string, unknown>, required: string[]) => ({ type: 'object', properties: { ...subject, ...props }, required, additionalProperties: false });
const nth = { type: 'integer', minimum: 1 };

const expectations = {
  type: 'object',
  properties: {
    violation: { anyOf: [{ type: 'string', minLength: 1 }, { type: 'null' }] },
    tdi: {
      type: 'object',
      propertyNames: bdf,
      additionalProperties: {
        type: 'object',
        properties: { state: { enum: ['CONFIG_UNLOCKED', 'CONFIG_LOCKED', 'RUN', 'ERROR'] }, bound: { type: 'boolean' } },
        additionalProperties: false,
      },
    },
    vm: {
      type: 'object',
      propertyNames: name,
      additionalProperties: {
        type: 'object',
        properties: { phase: { enum: ['running', 'destroyed', 'destroy-failed'] }, killed: { type: 'boolean' } },
        additionalProperties: false,
      },
    },
    calls: {
      type: 'array',
      items: { type: 'object', properties: { op: { type: 'string', minLength: 1 }, result: { type: 'string', minLength: 1 }, nth }, required: ['op', 'result'], additionalProperties: false },
    },
    steps: {
      type: 'array',
      items: { type: 'object', properties: { step: { enum: STEP_NAMES }, result: { type: 'string', minLength: 1 }, nth }, required: ['step', 'result'], additionalProperties: false },
    },
    flows: {
      type: 'array',
      items: { type: 'object', properties: { flow: { enum: FLOW_NAMES }, ok: { type: 'boolean' }, nth }, required: ['flow', 'ok'], additionalProperties: false },
    },
    order: { type: 'array', items: { enum: STEP_NAMES }, minItems: 2 },
  },
  additionalProperties: false,
};

/** The JSON Schema of a scenario file (`teeio schema scenario`). */
export const SCENARIO_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://teeio.dev/schema/scenario.json',
  title: 'teeio scenario',
  description: 'A platform, VMs, vPCI assignments, an ordered list of flows, steps and events, optional faults, a seed, and expectations (which may differ per arch).',
  type: 'object',
  properties: {
    $schema: { type: 'string' },
    name,
    description: { type: 'string' },
    seed: { anyOf: [{ type: 'string', minLength: 1 }, { type: 'integer' }] },
    platform: {
      type: 'object',
      properties: {
        devices: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            properties: {
              id: name,
              preset: { enum: Object.keys(DEVICE_PRESETS) },
              vfs: { type: 'integer', minimum: 1, maximum: MAX_VFS, description: 'how many VFs an SR-IOV preset (default) has: 01:00.1 onwards, each a TDI' },
            },
            required: ['id', 'preset'],
            additionalProperties: false,
          },
        },
      },
      required: ['devices'],
      additionalProperties: false,
    },
    vms: { type: 'array', items: name, uniqueItems: true },
    assign: {
      type: 'array',
      items: { type: 'object', properties: { tdi: bdf, vm: name, guestRid: u16 }, required: ['tdi', 'vm', 'guestRid'], additionalProperties: false },
    },
    flrPolicy: { enum: FLR_POLICIES },
    faults: {
      type: 'array',
      items: { type: 'object', properties: { kind: { enum: FAULT_KINDS }, nth }, required: ['kind', 'nth'], additionalProperties: false },
    },
    steps: {
      type: 'array',
      minItems: 1,
      items: {
        anyOf: [
          action({ flow: { enum: FLOW_NAMES } }, ['flow']),
          action({ step: { enum: STEP_NAMES }, as: { enum: ACTORS } }, ['step']),
          action({ event: { enum: DEVICE_EVENTS }, via: { enum: ['vfio', 'device'] }, bar: { type: 'integer', minimum: 0, maximum: 5 }, streamId: { type: 'integer', minimum: 0, maximum: 255 } }, ['event']),
          action({ event: { enum: HOST_EVENTS }, write: { type: 'boolean' } }, ['event']),
          action({ use: { const: true } }, ['use']),
        ],
      },
    },
    expect: expectations,
    expectByArch: { type: 'object', propertyNames: { pattern: '^[a-z][a-z0-9-]*$' }, additionalProperties: expectations },
  },
  required: ['name', 'platform', 'vms', 'assign', 'steps'],
  additionalProperties: false,
} as const;
