import { REFUSAL_REASONS } from './refusal.js';

/** The JSON Schema of `teeio plugins --format json` (`teeio schema plugins`). */
const str = { type: 'string' } as const;
const strings = { type: 'array', items: str } as const;

const LOADED = {
  type: 'object',
  additionalProperties: false,
  required: ['specifier', 'name', 'version', 'arch', 'coreApi', 'firmware', 'ports', 'dependsOn', 'semantics', 'flows'],
  properties: {
    specifier: str,
    name: str,
    version: str,
    arch: str,
    coreApi: str,
    firmware: { type: 'object', additionalProperties: false, required: ['name', 'injectedFailure'], properties: { name: str, injectedFailure: str } },
    ports: strings,
    dependsOn: strings,
    semantics: str,
    flows: strings,
  },
} as const;

const REFUSED = {
  type: 'object',
  additionalProperties: false,
  required: ['specifier', 'reason', 'problem', 'message', 'errors'],
  properties: { specifier: str, reason: { enum: REFUSAL_REASONS }, problem: str, message: str, errors: strings },
} as const;

export const LISTING_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://teeio.dev/schema/plugins.json',
  title: 'teeio plugins: the plugins that loaded, and why any was refused',
  type: 'object',
  additionalProperties: false,
  required: ['loaded', 'refused'],
  properties: { loaded: { type: 'array', items: LOADED }, refused: { type: 'array', items: REFUSED } },
} as const;
