import { readFileSync } from 'node:fs';
import type { DeviceConfig } from '../device/config.js';
import { DEVICE_PRESETS, SRIOV_PRESETS } from '../device/presets.js';
import { type Bdf, bdfOf } from '../model/ids.js';
import * as validators from '../schema/generated/validators.js';
import { SchemaError, precompiledCheck } from '../schema/validator.js';
import { JsonTextError, parseJsonText } from '../util/json-text.js';
import type { WorldSpec } from '../world/platform.js';
import type { DeviceSpec, Expectations, Scenario, ScenarioAction } from './scenario.js';

/**
 * A scenario that cannot run, located in its file by JSON pointer, or by line and column when the
 * file is not JSON (there is no pointer into text that does not parse).
 */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
  constructor(
    readonly file: string,
    readonly pointer: string,
    readonly problem: string,
    readonly lineColumn?: string,
  ) {
    super(ScenarioError.describe(file, pointer, problem, lineColumn));
  }

  /** One line naming the file as `shownAs`. */
  describeAs(shownAs: string): string {
    return ScenarioError.describe(shownAs, this.pointer, this.problem, this.lineColumn);
  }

  private static describe(file: string, pointer: string, problem: string, lineColumn?: string): string {
    return lineColumn === undefined ? `${file}: ${pointer}: ${problem}` : `${file}:${lineColumn}: ${problem}`;
  }
}

/** Precompiled from SCENARIO_SCHEMA (scripts/gen-validators.ts). */
const validate = precompiledCheck<Scenario>(validators.scenario);

function parse(text: string, file: string): unknown {
  try {
    return parseJsonText(text);
  } catch (e) {
    if (!(e instanceof JsonTextError)) throw e;
    throw new ScenarioError(file, '', `not JSON: ${e.reason}`, `${e.line}:${e.column}`);
  }
}

/** Reads and parses a JSON document (a scenario, a model), naming `file` in errors. */
export function readJsonDocument(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ScenarioError(file, '/', `cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  return parse(text, file);
}

/** Reads, parses and checks a scenario file. */
export function loadScenario(file: string): Scenario {
  return checkScenario(readJsonDocument(file), file);
}

/** Parses and checks a scenario's text, naming it `file` in errors (`<stdin>` for standard input). */
export function scenarioOfText(text: string, file: string): Scenario {
  return checkScenario(parse(text, file), file);
}

/** Checks a parsed scenario against the schema and against its own platform. */
export function checkScenario(json: unknown, file: string): Scenario {
  let s: Scenario;
  try {
    s = validate(json);
  } catch (e) {
    if (e instanceof SchemaError) throw new ScenarioError(file, e.pointer, e.problem);
    throw e;
  }
  checkReferences(s, file);
  return s;
}

/** The configuration of a platform device: its preset, with as many VFs as the scenario asks for. */
function deviceConfig(d: DeviceSpec): DeviceConfig {
  const sriov = d.vfs === undefined ? undefined : SRIOV_PRESETS[d.preset];
  return sriov && d.vfs !== undefined ? sriov(d.vfs) : DEVICE_PRESETS[d.preset]();
}

/** The functions each device of the platform has, by pci_name(). */
export function platformFunctions(s: Scenario): Map<Bdf, { device: string; dsm: Bdf }> {
  const out = new Map<Bdf, { device: string; dsm: Bdf }>();
  for (const d of s.platform.devices) {
    const cfg = deviceConfig(d);
    const dsm = bdfOf(cfg.functions[0]?.requesterId ?? 0, cfg.segment ?? 0);
    for (const f of cfg.functions) out.set(bdfOf(f.requesterId, cfg.segment ?? 0), { device: d.id, dsm });
  }
  return out;
}

type Needs = 'tdi' | 'vm' | 'dsm' | 'nothing';

/** What an action acts on; a TDI also names its VM (by assignment) and its DSM. */
function needs(a: ScenarioAction): Needs {
  if ('flow' in a) return a.flow === 'connect' || a.flow === 'disconnect' ? 'dsm' : a.flow === 'vmDestroy' ? 'vm' : 'tdi';
  if ('step' in a) return a.step === 'tsm.connect' || a.step === 'tsm.disconnect' ? 'dsm' : a.step === 'vm.create' || a.step === 'vm.destroy' ? 'vm' : 'tdi';
  if ('use' in a) return 'tdi';
  if (a.event === 'host-replay-evidence') return 'nothing';
  if (a.event === 'guest-crash') return 'vm';
  return a.event === 'ide-insecure' ? 'dsm' : 'tdi';
}

function satisfied(a: ScenarioAction, need: Needs): boolean {
  if (need === 'nothing' || a.tdi !== undefined) return true;
  return need === 'vm' ? a.vm !== undefined : need === 'dsm' ? a.dsm !== undefined : false;
}

type Fail = (pointer: string, problem: string) => never;

/** Every TDI an expectation names must be assigned in /assign (a DSM has no TDISP state); every VM one of /vms. */
function checkExpectations(e: Expectations | undefined, at: string, assigned: ReadonlySet<string>, vms: ReadonlySet<string>, fail: Fail): void {
  for (const tdi of Object.keys(e?.tdi ?? {})) if (!assigned.has(tdi)) fail(`${at}/tdi/${tdi}`, `${tdi} is not assigned to a VM in /assign`);
  for (const vm of Object.keys(e?.vm ?? {})) if (!vms.has(vm)) fail(`${at}/vm/${vm}`, `no VM '${vm}' in /vms`);
}

/** Names must refer to what the scenario declares; the schema cannot say so. Sets keep it linear. */
function checkReferences(s: Scenario, file: string): void {
  const fns = platformFunctions(s);
  const vms = new Set(s.vms);
  const fail: Fail = (pointer, problem) => {
    throw new ScenarioError(file, pointer, problem);
  };
  const ids = new Set<string>();
  s.platform.devices.forEach((d, i) => {
    if (ids.has(d.id)) fail(`/platform/devices/${i}/id`, `device id '${d.id}' is used twice`);
    ids.add(d.id);
    if (d.vfs !== undefined && !SRIOV_PRESETS[d.preset]) fail(`/platform/devices/${i}/vfs`, `the ${d.preset} device is no SR-IOV PF: it has no VFs to count`);
  });
  if (fns.size < s.platform.devices.reduce((n, d) => n + deviceConfig(d).functions.length, 0)) fail('/platform/devices', 'two devices claim the same PCI function');
  const assigned = new Set<string>();
  s.assign.forEach((a, i) => {
    if (!fns.has(a.tdi)) fail(`/assign/${i}/tdi`, `no device function ${a.tdi} on this platform`);
    if (!vms.has(a.vm)) fail(`/assign/${i}/vm`, `no VM '${a.vm}' in /vms`);
    if (assigned.has(a.tdi)) fail(`/assign/${i}/tdi`, `${a.tdi} is assigned twice`);
    assigned.add(a.tdi);
  });
  s.steps.forEach((st, i) => {
    const need = needs(st);
    if (!satisfied(st, need)) fail(`/steps/${i}`, `${describeAction(st)} needs ${need === 'tdi' ? 'a tdi' : `a ${need} (or a tdi)`}`);
    if (st.tdi !== undefined && !assigned.has(st.tdi)) fail(`/steps/${i}/tdi`, `${st.tdi} is not assigned to a VM in /assign`);
    if (st.dsm !== undefined && fns.get(st.dsm)?.dsm !== st.dsm) fail(`/steps/${i}/dsm`, `${st.dsm} is not a DSM (function 0) on this platform`);
    if (st.vm !== undefined && !vms.has(st.vm)) fail(`/steps/${i}/vm`, `no VM '${st.vm}' in /vms`);
  });
  checkExpectations(s.expect, '/expect', assigned, vms, fail);
  for (const [arch, e] of Object.entries(s.expectByArch ?? {})) checkExpectations(e, `/expectByArch/${arch}`, assigned, vms, fail);
}

function describeAction(a: ScenarioAction): string {
  if ('flow' in a) return `flow ${a.flow}`;
  if ('step' in a) return `step ${a.step}`;
  return 'use' in a ? 'use' : `event ${a.event}`;
}

/** The world a scenario starts from, with `seed` overriding the scenario's. */
export function worldSpecOf(s: Scenario, seed?: string): WorldSpec {
  return {
    devices: s.platform.devices.map((d) => ({ id: d.id, config: deviceConfig(d) })),
    vms: [...s.vms],
    assignments: s.assign.map((a) => ({ tdi: a.tdi, vm: a.vm, guestRid: Number(a.guestRid) })),
    seed: seed ?? String(s.seed ?? s.name),
    faults: [...(s.faults ?? [])],
    ...(s.flrPolicy ? { flrPolicy: s.flrPolicy } : {}),
  };
}
