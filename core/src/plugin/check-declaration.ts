import { satisfies, validRange } from 'semver';
import { PORTS, type PortName } from '../ports/tokens.js';
import * as validators from '../schema/generated/validators.js';
import { SchemaError, precompiledCheck } from '../schema/validator.js';
import { deepFreeze } from '../util/deep-freeze.js';
import { CORE_API_VERSION, type PluginDeclaration, type PluginModule } from './declaration.js';
import type { ModuleExports } from './import-module.js';
import { PluginRefusal, firstLine } from './refusal.js';

/** Precompiled from DECLARATION_SCHEMA (scripts/gen-validators.ts). */
const checkSchema = precompiledCheck<PluginDeclaration>(validators.declaration);
const PORT_NAMES = Object.keys(PORTS) as PortName[];

function checkShape(specifier: string, exports: ModuleExports): void {
  if (exports['declaration'] === undefined) {
    throw new PluginRefusal(specifier, 'no-declaration', 'the module has no `declaration` export');
  }
  if (typeof exports['register'] !== 'function') {
    throw new PluginRefusal(specifier, 'no-register', 'the module has no `register(container)` function export');
  }
}

/**
 * The declaration as plain data, read once: a getter or a Proxy may throw or answer differently
 * on every read, so nothing after this touches the module's object again. A JSON round trip
 * reads every field the schema can accept (functions, symbols and cycles cannot be declared).
 */
function readDeclaration(specifier: string, declaration: unknown): unknown {
  try {
    return JSON.parse(JSON.stringify(declaration)) as unknown;
  } catch (e) {
    throw new PluginRefusal(specifier, 'declaration-threw', `reading the declaration threw: ${firstLine(e)}`, e);
  }
}

function checkDeclarationSchema(specifier: string, declaration: unknown): PluginDeclaration {
  try {
    return checkSchema(declaration);
  } catch (e) {
    if (e instanceof SchemaError) throw new PluginRefusal(specifier, 'invalid-declaration', `declaration ${e.message}`);
    throw e;
  }
}

function checkCoreApi(specifier: string, { coreApi }: PluginDeclaration): void {
  // The schema cannot say "a semver range"; an unparsable one is a declaration error, not a mismatch.
  if (validRange(coreApi) === null) {
    throw new PluginRefusal(specifier, 'invalid-declaration', `declaration /coreApi: ${JSON.stringify(coreApi)} is not a semver range`);
  }
  if (!satisfies(CORE_API_VERSION, coreApi)) {
    throw new PluginRefusal(specifier, 'core-api-mismatch', `needs core API ${coreApi}, this core provides ${CORE_API_VERSION}`);
  }
}

function checkProvides(specifier: string, { provides }: PluginDeclaration): void {
  const missing = PORT_NAMES.filter((p) => !provides.includes(p));
  if (missing.length > 0) {
    throw new PluginRefusal(specifier, 'missing-port', `declaration does not provide the port(s) ${missing.join(', ')}; an arch plugin provides all of ${PORT_NAMES.join(', ')}`);
  }
}

/**
 * Checks what a module declares, running none of its functions: the exports a plugin needs, the
 * declaration against its schema, the core API range, all four ports. The module returned holds
 * a deep, frozen copy of the declaration, and register() as exported.
 */
export function checkPluginModule(specifier: string, exports: ModuleExports): PluginModule {
  checkShape(specifier, exports);
  const declaration = deepFreeze(checkDeclarationSchema(specifier, readDeclaration(specifier, exports['declaration'])));
  checkCoreApi(specifier, declaration);
  checkProvides(specifier, declaration);
  return { declaration, register: exports['register'] as PluginModule['register'] };
}
