import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as sev from '@teeio/arch-sev-tio';
import type { Psp, SevTioFirmware, SevTioHost, SevTioIommu, SevTioMmio, SevTioRuleId, SevTioTsm } from '@teeio/arch-sev-tio';
import {
  type Bdf,
  type FlowName,
  INVARIANTS,
  Engine,
  InvariantChecker,
  type LoadedPlugin,
  type RunOptions,
  type RunReport,
  type Scenario,
  type StepName,
  type StepResult,
  type TeeMmioRange,
  type TraceEntry,
  World,
  checkScenario,
  fromHex,
  loadScenario,
  runScenario,
  teeRanges,
  worldSpecOf,
} from '@teeio/core';
import { container } from 'tsyringe';

/** The plugin as the plugin host would load it. */
export const SEV: LoadedPlugin = { specifier: '@teeio/arch-sev-tio', declaration: sev.declaration, module: sev };

/** The plugin with some of its model's rules ablated. */
export const sevPlugin = (ablate: readonly SevTioRuleId[] = []): LoadedPlugin => ({ ...SEV, module: sev.withModelOptions({ ablate }) });

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const EXAMPLES = `${ROOT}examples/`;
/**
 * The examples whose SEV-TIO outcome is defined: the arch-neutral ones, the sev-tio-* ones, and
 * other archs' that carry expectByArch["sev-tio"].
 */
export const exampleFiles = (): string[] =>
  readdirSync(EXAMPLES)
    .filter((f) => f.endsWith('.json'))
    .filter((f) => {
      const arch = /^(tdx|cca|sev-tio)-/.exec(f)?.[1];
      if (arch === undefined || arch === 'sev-tio') return true;
      const s = JSON.parse(readFileSync(`${EXAMPLES}${f}`, 'utf8')) as { expectByArch?: Record<string, unknown> };
      return s.expectByArch?.['sev-tio'] !== undefined;
    })
    .sort();
export const example = (name: string): Scenario => loadScenario(`${EXAMPLES}${name}.json`);

export const DSM: Bdf = '0000:01:00.0';
export const VF: Bdf = '0000:01:00.1';
export const VM = 'vm0';

/** A scenario on the default device with the VF assigned to vm0 at guest RID 0x08. */
export function scenario(steps: Scenario['steps'], more: Partial<Scenario> = {}): Scenario {
  return checkScenario(
    {
      name: 'sev-tio-test',
      seed: 9,
      platform: { devices: [{ id: 'nic0', preset: 'default' }] },
      vms: [VM],
      assign: [{ tdi: VF, vm: VM, guestRid: '0x08' }],
      steps,
      ...more,
    },
    'test',
  );
}

export const run = (s: Scenario, o: RunOptions = {}, ablate: readonly SevTioRuleId[] = []): RunReport => runScenario(s, sevPlugin(ablate), container, o);

/** Firmware calls (and platform events the model records as the firmware's) of a trace. */
export const firmwareEntries = (trace: readonly TraceEntry[]): TraceEntry[] => trace.filter((e) => e.actor === 'firmware');

/**
 * A world driven step by step, with every invariant checked after each step as a run would, and
 * handles on the plugin's model for the parts a scenario cannot reach.
 */
export class Rig {
  readonly w: World;
  readonly checker = new InvariantChecker(INVARIANTS);
  readonly e: Engine;

  /** `s` gives the platform, VMs and assignments; its steps are not run (the test drives the rig). */
  constructor(s: Scenario = scenario([{ flow: 'connect', dsm: DSM }]), ablate: readonly SevTioRuleId[] = []) {
    this.w = new World(worldSpecOf(s), sevPlugin(ablate), container);
    this.e = new Engine(this.w, SEV.declaration.plans, SEV.declaration.semantics.unwind, this.checker);
    for (const vm of s.vms) this.e.step('vm.create', { vm });
  }

  private target(tdi: Bdf) {
    return { tdi, vm: this.w.assignment(tdi).vm, dsm: this.w.link.dsmOf(tdi) };
  }

  flow(flow: FlowName, tdi: Bdf = VF) {
    return this.e.flow(flow, flow === 'connect' || flow === 'disconnect' ? { dsm: this.w.link.dsmOf(tdi) } : this.target(tdi));
  }

  step(step: StepName, tdi: Bdf = VF): StepResult {
    return this.e.step(step, step === 'tsm.connect' || step === 'tsm.disconnect' ? { dsm: this.w.link.dsmOf(tdi) } : this.target(tdi));
  }

  /** connect, createVpci, bind, accept: the TDI runs with its MMIO validated and DMA enabled. */
  running(tdi: Bdf = VF): this {
    for (const f of ['connect', 'createVpci', 'bind', 'accept'] as const) {
      const o = this.flow(f, tdi);
      if (!o.ok) throw new Error(`${f} failed at ${o.failedStep}: ${o.code}`);
    }
    return this;
  }

  /** Checks every invariant now, as at the end of a run. */
  checkAll(): void {
    this.checker.atEnd(this.w);
  }

  get fw(): SevTioFirmware {
    return this.w.firmware as SevTioFirmware;
  }

  get tsm(): SevTioTsm {
    return this.w.ports.tsm as SevTioTsm;
  }

  get psp(): Psp {
    return this.tsm.psp;
  }

  get host(): SevTioHost {
    return this.tsm.host;
  }

  get mmio(): SevTioMmio {
    return this.w.ports.mmio as SevTioMmio;
  }

  get iommu(): SevTioIommu {
    return this.w.ports.iommu as SevTioIommu;
  }

  get gctx(): string {
    return this.fw.state.guests[VM]?.gctx ?? '';
  }

  /** The TEE ranges of the report the host holds for `tdi`, placed at the guest's GPAs. */
  ranges(tdi: Bdf = VF): TeeMmioRange[] {
    const bound = this.w.host.pci[tdi]?.bound;
    if (!bound) throw new Error(`${tdi} is not bound`);
    return teeRanges(fromHex(bound.report), bound.tdiId);
  }

  range(tdi: Bdf = VF): TeeMmioRange {
    const [r] = this.ranges(tdi);
    if (!r) throw new Error(`${tdi} has no TEE range`);
    return r;
  }

  /** Trace entries since `from`. */
  since(from: number): readonly TraceEntry[] {
    return this.w.tracer.since(from);
  }
}
