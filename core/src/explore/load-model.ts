import { compileSchema, SchemaError } from '../schema/validator.js';
import { ScenarioError, checkScenario, readJsonDocument } from '../scenario/load.js';
import type { Scenario, ScenarioAction } from '../scenario/scenario.js';
import { choicesOf } from './choices.js';
import type { ExploreModel } from './model.js';
import { MODEL_SCHEMA } from './model-schema.js';

const validate = compileSchema<ExploreModel>(MODEL_SCHEMA);

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
  let m: ExploreModel;
  try {
    m = validate(json);
  } catch (e) {
    if (e instanceof SchemaError) throw new ScenarioError(file, e.pointer, e.problem);
    throw e;
  }
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
