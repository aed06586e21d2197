import {
  Engine,
  type FwResult,
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
  CcaHostDriver,
  CcaKvmExits,
  type CcaRuleId,
  PdevCalls,
  RealmCalls,
  RmmFirmware,
  type RmmState,
  RsiCalls,
  RttDevCalls,
  VdevCalls,
  declaration,
  register,
} from '@teeio/arch-cca';
import { type DependencyContainer, container } from 'tsyringe';
import { ablated, examplesFor, runKeeping } from '../arch/built-in.js';

export { EXAMPLES, example } from '../arch/built-in.js';
export const TDI = '0000:01:00.1';
export const DSM = '0000:01:00.0';
export const VM = 'vm0';
export const GUEST_RID = 8;
export const TARGET: StepTarget = { tdi: TDI, vm: VM, dsm: DSM };

export const code = (r: FwResult<unknown>): string => (r.ok ? 'ok' : r.code);

/** The examples whose CCA outcome is defined. */
export const ccaExamples = (): string[] => examplesFor('cca');

/** The CCA plugin as the host loads it, optionally with rules ablated; `seen` receives each run's container. */
export const ccaPlugin = (ablate: readonly CcaRuleId[] = [], seen?: (c: DependencyContainer) => void): LoadedPlugin => ablated('@teeio/arch-cca', { declaration, register }, ablate, seen);

/** Runs a scenario on the CCA plugin; also yields the RMM's state at the end. */
export function runCca(scenario: Scenario, ablate: readonly CcaRuleId[] = []): { report: RunReport; rmm: RmmState } {
  const { report, run } = runKeeping(scenario, (seen) => ccaPlugin(ablate, seen));
  return { report, rmm: run.resolve(RmmFirmware).state };
}

const BASE = {
  name: 'cca-model',
  seed: 'cca-model',
  platform: { devices: [{ id: 'nic0', preset: 'default' }] },
  vms: [VM, 'vm1'],
  assign: [{ tdi: TDI, vm: VM, guestRid: GUEST_RID }],
  // Validated, never run: ccaModel's tests run flows and calls themselves.
  steps: [{ flow: 'connect', dsm: DSM }],
};

/**
 * A world on the CCA plugin for tests of the RMM model itself: flows and steps run through the
 * core's engine (invariants off: these tests break rules on purpose), and the RMM's call
 * classes, the host driver and the KVM exit handlers are at hand to make calls directly.
 */
export function ccaModel(ablate: readonly CcaRuleId[] = []) {
  let c: DependencyContainer | undefined;
  const w = new World(worldSpecOf(checkScenario(BASE, 'cca-model')), ccaPlugin(ablate, (x) => (c = x)), container);
  if (!c) throw new Error('the plugin was never registered');
  const run = c;
  const engine = new Engine(w, declaration.plans, declaration.semantics.unwind, new InvariantChecker(INVARIANTS, false));
  for (const vm of BASE.vms) engine.step('vm.create', { vm });
  const fw = run.resolve(RmmFirmware);
  return {
    w,
    engine,
    fw,
    pdev: run.resolve(PdevCalls),
    vdev: run.resolve(VdevCalls),
    rtt: run.resolve(RttDevCalls),
    realm: run.resolve(RealmCalls),
    rsi: run.resolve(RsiCalls),
    host: run.resolve(CcaHostDriver),
    exits: run.resolve(CcaKvmExits),
    flow: (...flows: Parameters<Engine['flow']>[0][]) => flows.map((f) => engine.flow(f, f === 'connect' || f === 'disconnect' ? { dsm: DSM } : TARGET)),
    step: (...steps: Parameters<Engine['step']>[0][]) => steps.map((s) => engine.step(s, TARGET)),
    /** The TEE ranges of the TDI's report, as the host places them for the guest. */
    ranges: (): TeeMmioRange[] => teeRanges(fromHex(fw.state.host.vdevs[TDI]?.INTERFACE_REPORT ?? ''), GUEST_RID),
    /** The TDI's BARs as the host hands them to RMI_VDEV_CREATE. */
    bars: () => w.link.site(TDI).device.config.functions.find((f) => f.requesterId === w.link.site(TDI).requesterId)?.bars.map((b) => ({ base: b.address, size: b.size })) ?? [],
    /** Firmware calls traced since entry `since`, as `op result`. */
    calls: (since = 0) =>
      w.tracer
        .since(since)
        .filter((e) => e.actor === 'firmware')
        .map((e) => `${e.op} ${e.result}`),
  };
}

export type CcaModel = ReturnType<typeof ccaModel>;
