import { compileSchema, SchemaError } from '../schema/validator.js';
import { ScenarioError, checkScenario, readJsonDocument } from '../scenario/load.js';
import type { Scenario, ScenarioAction } from '../scenario/scenario.js';
import { choicesOf } from './choices.js';
import type { DeviceExploreModel } from './device-model.js';
import { DEVICE_MODEL_SCHEMA } from './device-model-schema.js';
import type { ExploreModel } from './model.js';
import { SCENARIO_MODEL_SCHEMA } from './model-schema.js';

const validate = compileSchema<ExploreModel>(SCENARIO_MODEL_SCHEMA);
const validateDevice = compileSchema<DeviceExploreModel>(DEVICE_MODEL_SCHEMA);

/** `json` checked by `check`; a schema violation is a ScenarioError naming the file and pointer. */
function schemaChecked<T>(check: (json: unknown) => T, json: unknown, file: string): T {
  try {
    return check(json);
  } catch (e) {
    if (e instanceof SchemaError) throw new ScenarioError(file, e.pointer, e.problem);
    throw e;
  }
}

/** The model's actions in order: init first, then every event's and group's (what the reference check walks). */
const actionsOf = (m: ExploreModel): ScenarioAction[] => [...(m.init ?? []), ...choicesOf(m).map((c) => c.action)];

/** Where `/steps/i` of the scenario a model is checked as lies in the model file. */
function modelPointer(m: ExploreModel, pointer: string): string {
  const match = /^\/steps\/(\d+)(.*)$/.exec(pointer);
  if (!match) return pointer;
  const i = Number(match[1]);
  const init = m.init?.length ?? 0;
  return i < init ? `/init/${i}${match[2]}` : `${choicesOf(m)[i - init]?.pointer ?? '/events'}${match[2]}`;
}

/**
 * A scenario whose steps are the model's init and then each event's action once: the scenario's own
 * reference checks (TDIs assigned, DSMs real, VMs declared) then cover the model.
 */
export function modelScenario(m: ExploreModel, steps: readonly ScenarioAction[] = actionsOf(m)): Scenario {
  return {
    name: m.name,
    ...(m.description === undefined ? {} : { description: m.description }),
    seed: m.seed ?? m.name,
    platform: m.platform,
    vms: m.vms,
    assign: m.assign,
    ...(m.flrPolicy ? { flrPolicy: m.flrPolicy } : {}),
    ...(m.faults ? { faults: m.faults } : {}),
    steps,
  };
}

/** Checks parsed model JSON against the schema and its own platform. */
export function checkModel(json: unknown, file: string): ExploreModel {
  const m = schemaChecked(validate, json, file);
  try {
    checkScenario(modelScenario(m), file);
  } catch (e) {
    if (e instanceof ScenarioError) throw new ScenarioError(file, modelPointer(m, e.pointer), e.problem);
    throw e;
  }
  return m;
}

/** Reads, parses and checks a model file; a bad one is a ScenarioError (one line, by JSON pointer). */
export function loadModel(file: string): ExploreModel {
  return checkModel(readJsonDocument(file), file);
}

/** Checks parsed device-model JSON: the schema, then each event listed once (its budget is per TDI). */
export function checkDeviceModel(json: unknown, file: string): DeviceExploreModel {
  const m = schemaChecked(validateDevice, json, file);
  const twice = m.events.findIndex((e, i) => m.events.findIndex((f) => f.fire === e.fire) !== i);
  if (twice >= 0) throw new ScenarioError(file, `/events/${twice}/fire`, `${m.events[twice]?.fire} is listed already: give it one entry with a max`);
  return m;
}

/** A model file of either kind: a scenario model, or a device model ("world": "device"). */
export type AnyExploreModel = ExploreModel | DeviceExploreModel;

export const isDeviceModel = (m: AnyExploreModel): m is DeviceExploreModel => 'world' in m && m.world === 'device';

/** Reads, parses and checks a model file of either kind, by its "world". */
export function loadAnyModel(file: string): AnyExploreModel {
  const json = readJsonDocument(file);
  const device = typeof json === 'object' && json !== null && (json as Record<string, unknown>)['world'] === 'device';
  return device ? checkDeviceModel(json, file) : checkModel(json, file);
}
