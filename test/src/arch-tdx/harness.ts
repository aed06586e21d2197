import {
  Engine,
  INVARIANTS,
  InvariantChecker,
  type LoadedPlugin,
  type RunReport,
  type Scenario,
  type StepTarget,
  type TeeMmioRange,
  World,
  checkScenario,
  fromHex,
  teeRanges,
  worldSpecOf,
} from '@teeio/core';
import {
  DevifCalls,
  DmarCalls,
  SeptCalls,
  SpdmIdeCalls,
  TdCalls,
  TdxFirmware,
  TdxHostDriver,
  type TdxRuleId,
  type TdxState,
  declaration,
  register,
} from '@teeio/arch-tdx';
import { type DependencyContainer, container } from 'tsyringe';
import { ablated, examplesFor, runKeeping } from '../arch/built-in.js';

export { EXAMPLES, example } from '../arch/built-in.js';
export const TDI = '0000:01:00.1';
export const DSM = '0000:01:00.0';
export const VM = 'vm0';
export const TARGET: StepTarget = { tdi: TDI, vm: VM, dsm: DSM };

/** The examples whose outcome on TDX is defined. */
export const tdxExamples = (): string[] => examplesFor('tdx');

/** The TDX plugin as the host loads it, optionally with rules ablated; `seen` receives each run's container. */
export const tdxPlugin = (ablate: readonly TdxRuleId[] = [], seen?: (c: DependencyContainer) => void): LoadedPlugin => ablated('@teeio/arch-tdx', { declaration, register }, ablate, seen);

/** Runs a scenario on the TDX plugin; also yields the module's state at the end. */
export function runTdx(scenario: Scenario, ablate: readonly TdxRuleId[] = []): { report: RunReport; firmware: TdxState } {
  const { report, run } = runKeeping(scenario, (seen) => tdxPlugin(ablate, seen));
  return { report, firmware: run.resolve(TdxFirmware).state };
}

const BASE = {
  name: 'tdx-model',
  seed: 'tdx-model',
  platform: { devices: [{ id: 'nic0', preset: 'default' }] },
  vms: [VM, 'vm1'],
  assign: [{ tdi: TDI, vm: VM, guestRid: 8 }],
  // Validated, never run: tdxModel's tests run flows and calls themselves.
  steps: [{ flow: 'connect', dsm: DSM }],
};

/**
 * A world on the TDX plugin for tests of the module model itself: flows and steps run through
 * the core's engine (invariants off: these tests break rules on purpose), and the module's call
 * classes are at hand to call SEAMCALLs and TDCALLs directly.
 */
export function tdxModel(ablate: readonly TdxRuleId[] = []) {
  let c: DependencyContainer | undefined;
  const w = new World(worldSpecOf(checkScenario(BASE, 'tdx-model')), tdxPlugin(ablate, (x) => (c = x)), container);
  if (!c) throw new Error('the plugin was never registered');
  const run = c;
  const engine = new Engine(w, declaration.plans, declaration.semantics.unwind, new InvariantChecker(INVARIANTS, false));
  for (const vm of BASE.vms) engine.step('vm.create', { vm });
  const fw = run.resolve(TdxFirmware);
  return {
    w,
    engine,
    fw,
    spdm: run.resolve(SpdmIdeCalls),
    devif: run.resolve(DevifCalls),
    sept: run.resolve(SeptCalls),
    dmar: run.resolve(DmarCalls),
    td: run.resolve(TdCalls),
    host: run.resolve(TdxHostDriver),
    flow: (...flows: Parameters<Engine['flow']>[0][]) => flows.map((f) => engine.flow(f, f === 'connect' || f === 'disconnect' ? { dsm: DSM } : TARGET)),
    step: (...steps: Parameters<Engine['step']>[0][]) => steps.map((s) => engine.step(s, TARGET)),
    /** The TEE ranges of the TDI's report, as the host places them for the guest. */
    ranges: (): TeeMmioRange[] => teeRanges(fromHex(fw.devif(TDI)?.report ?? ''), 8),
    /** Firmware calls traced since entry `since`, as `op result`. */
    calls: (since = 0) =>
      w.tracer
        .since(since)
        .filter((e) => e.actor === 'firmware')
        .map((e) => `${e.op} ${e.result}`),
    /** Device exchanges traced since entry `since`. */
    sent: (since = 0) =>
      w.tracer
        .since(since)
        .filter((e) => e.actor === 'device')
        .map((e) => e.op),
  };
}

export type TdxModel = ReturnType<typeof tdxModel>;
