import { createRequire } from 'node:module';
import type { Ajv, ErrorObject, Options, ValidateFunction } from 'ajv';
import type * as AjvModule from 'ajv';
import type { JsonSchema } from '../wire/index.js';

/** How every schema is compiled, at run time or ahead of time (scripts/gen-validators.ts). */
export const AJV_OPTIONS: Options = { allErrors: false, strict: true, strictTypes: false, discriminator: true };

/**
 * One ajv instance for the process, loaded on first use: the documents checked at start-up have
 * precompiled validators, so most commands never load ajv's compiler at all.
 */
let shared: Ajv | undefined;

function ajv(): Ajv {
  const { Ajv: AjvClass } = createRequire(import.meta.url)('ajv') as typeof AjvModule;
  shared ??= new AjvClass(AJV_OPTIONS);
  return shared;
}

/** A schema violation, located by JSON pointer into the document that was checked. */
export class SchemaError extends Error {
  override readonly name = 'SchemaError';
  constructor(
    readonly pointer: string,
    readonly problem: string,
  ) {
    super(`${pointer}: ${problem}`);
  }
}

function describe(e: ErrorObject): SchemaError {
  const p = e.params as Record<string, unknown>;
  const at = e.instancePath === '' ? '/' : e.instancePath;
  switch (e.keyword) {
    case 'additionalProperties':
      return new SchemaError(`${e.instancePath}/${String(p['additionalProperty'])}`, 'unknown field');
    case 'required':
      return new SchemaError(`${e.instancePath}/${String(p['missingProperty'])}`, 'required field is missing');
    case 'enum':
      return new SchemaError(at, `must be one of ${(p['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`);
    case 'const':
      return new SchemaError(at, `must be ${JSON.stringify(p['allowedValue'])}`);
    default:
      return new SchemaError(at, e.message ?? e.keyword);
  }
}

/**
 * The violation to report: the deepest one (the most specific place a user can act on). Where
 * ajv tried several anyOf branches at that place, their complaints are joined with "or".
 */
function firstViolation(errors: readonly ErrorObject[]): SchemaError {
  const real = errors.filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'oneOf');
  const depth = Math.max(...real.map((e) => e.instancePath.length));
  const deepest = real.filter((e) => e.instancePath.length === depth);
  const [first] = deepest;
  if (!first) return new SchemaError('/', 'invalid');
  if (deepest.length === 1 || deepest.some((e) => e.instancePath !== first.instancePath)) return describe(first);
  // Alternatives that are object shapes (a scenario action is a flow, a step, an event or a use):
  // a shape whose required fields are all there is the one meant, so its complaint is the useful
  // one; when every shape misses its key field, say which keys would do.
  const missing = deepest.filter((e) => e.keyword === 'required');
  if (missing.length > 0) {
    const meant = deepest.find((e) => e.keyword !== 'required');
    if (meant) return describe(meant);
    const keys = [...new Set(missing.map((e) => String((e.params as Record<string, unknown>)['missingProperty'])))];
    return new SchemaError(first.instancePath || '/', `needs one of the fields ${keys.join(', ')}`);
  }
  const problems = [...new Set(deepest.map((e) => describe(e).problem))];
  return new SchemaError(describe(first).pointer, problems.join(' or '));
}

/**
 * Compiles `schema` and returns a check that narrows a value to `T` or throws SchemaError
 * for the most specific violation it finds.
 */
export function compileSchema<T>(schema: JsonSchema): (value: unknown) => T {
  let validate: ValidateFunction | undefined;
  return (value) => {
    validate ??= ajv().compile(schema);
    return checked<T>(validate, value);
  };
}

/** A check from a validator compiled ahead of time (schema/generated/validators.ts). */
export function precompiledCheck<T>(validate: unknown): (value: unknown) => T {
  return (value) => checked<T>(validate as ValidateFunction, value);
}

function checked<T>(validate: ValidateFunction, value: unknown): T {
  if (validate(value)) return value as T;
  throw firstViolation(validate.errors ?? []);
}
