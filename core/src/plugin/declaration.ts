import type { DependencyContainer } from 'tsyringe';
import { FLOW_NAMES, STEP_NAMES } from '../lifecycle/vocabulary.js';
import { FLR_POLICIES, type Plans, type Semantics } from '../lifecycle/plan.js';
import { ACTORS } from '../trace/actor.js';
import { PORTS, type PortName } from '../ports/tokens.js';

/**
 * The version of the API plugins are written against; a declaration states the semver range
 * it accepts. Bump the minor for additions, the major for anything a plugin could notice.
 */
export const CORE_API_VERSION = '0.1.0';

/**
 * What a plugin declares about itself, once, in the module that is the plugin (like a Deno
 * extension): checked against DECLARATION_SCHEMA before the plugin's code runs.
 */
export interface PluginDeclaration {
  /** Unique plugin name, e.g. `@teeio/arch-tdx`. */
  readonly name: string;
  readonly version: string;
  /** Semver range of CORE_API_VERSION this plugin works with. */
  readonly coreApi: string;
  /** The architecture id a scenario or `--arch` selects it by: `tdx`, `sev-tio`, `cca`, … */
  readonly arch: string;
  /** The ports it registers; all four are required of an arch plugin. */
  readonly provides: readonly PortName[];
  /** Names of plugins that must be loaded with it. */
  readonly dependsOn: readonly string[];
  /** The firmware it models and the status it answers an injected transient failure with. */
  readonly firmware: { readonly name: string; readonly injectedFailure: string };
  readonly semantics: Semantics;
  readonly plans: Plans;
}

/** A plugin module: its declaration and the function that wires its classes into its container. */
export interface PluginModule {
  readonly declaration: PluginDeclaration;
  register(container: DependencyContainer): void;
}

const planSchema = {
  type: 'array',
  items: {
    type: 'object',
    properties: {
      step: { enum: STEP_NAMES },
      actor: { enum: ACTORS },
      why: { type: 'string', minLength: 1 },
    },
    required: ['step'],
    additionalProperties: false,
  },
};

export const DECLARATION_SCHEMA = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1 },
    version: { type: 'string', pattern: '^\\d+\\.\\d+\\.\\d+(?:[-+].*)?$' },
    coreApi: { type: 'string', minLength: 1 },
    arch: { type: 'string', pattern: '^[a-z][a-z0-9-]*$' },
    provides: { type: 'array', items: { enum: Object.keys(PORTS) }, uniqueItems: true },
    dependsOn: { type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true },
    firmware: {
      type: 'object',
      properties: { name: { type: 'string', minLength: 1 }, injectedFailure: { type: 'string', minLength: 1 } },
      required: ['name', 'injectedFailure'],
      additionalProperties: false,
    },
    semantics: {
      type: 'object',
      properties: {
        summary: { type: 'string', minLength: 1 },
        flrPolicy: { enum: FLR_POLICIES },
        vmDestroyRequiresUnbind: { type: 'boolean' },
        unwind: { type: 'object', propertyNames: { enum: FLOW_NAMES }, additionalProperties: { enum: FLOW_NAMES } },
      },
      required: ['summary', 'flrPolicy', 'vmDestroyRequiresUnbind', 'unwind'],
      additionalProperties: false,
    },
    plans: {
      type: 'object',
      properties: Object.fromEntries(FLOW_NAMES.map((f) => [f, planSchema])),
      required: FLOW_NAMES,
      additionalProperties: false,
    },
  },
  required: ['name', 'version', 'coreApi', 'arch', 'provides', 'dependsOn', 'firmware', 'semantics', 'plans'],
  additionalProperties: false,
} as const;
