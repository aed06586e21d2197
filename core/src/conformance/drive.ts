import type { DependencyContainer } from 'tsyringe';
import { InvariantViolation, type Violation } from '../invariants/checker.js';
import type { LoadedPlugin } from '../plugin/loaded-plugin.js';
import { ScenarioDriver } from '../scenario/driver.js';
import type { Scenario } from '../scenario/scenario.js';
import type { World } from '../world/world.js';

/** How a driven run ended: normally, at a broken invariant, or with the plugin's throw. */
export interface Driven {
  readonly d: ScenarioDriver;
  readonly violation?: Violation;
  /** What the plugin threw, one line. */
  readonly threw?: string;
}

export interface DriveOptions {
  readonly seed?: string;
  /** Actions to run: the first `until` (all by default). The end-of-run check runs only after all. */
  readonly until?: number;
  /** Called after the VMs are created (index -1) and after each action. */
  readonly after?: (d: ScenarioDriver, index: number) => void;
}

/** Runs `s` action by action as `runScenario` does, stopping at the first violation or throw. */
export function drive(s: Scenario, plugin: LoadedPlugin, parent: DependencyContainer, o: DriveOptions = {}): Driven {
  const d = new ScenarioDriver(s, plugin, parent, { seed: o.seed });
  return guard(d, () => {
    d.createVms();
    o.after?.(d, -1);
    const until = o.until ?? s.steps.length;
    s.steps.slice(0, until).forEach((a, i) => {
      d.act(a, `/steps/${i}`);
      o.after?.(d, i);
    });
    if (until === s.steps.length) d.finish();
  });
}

/** Runs `body` on the driver's world; a violation or a throw ends it and is reported. */
export function guard(d: ScenarioDriver, body: () => void): Driven {
  try {
    body();
    return { d };
  } catch (e) {
    if (e instanceof InvariantViolation) return { d, violation: e.violation };
    return { d, threw: e instanceof Error ? e.message.split('\n', 1)[0] : String(e) };
  }
}

/** A broken invariant or a throw, as one line; undefined when the run ended normally. */
export function endOf(r: Driven): string | undefined {
  if (r.violation) return `invariant ${r.violation.invariant} broken after ${r.violation.step}: ${r.violation.message}`;
  if (r.threw !== undefined) return `the plugin threw: ${r.threw}`;
  return undefined;
}

/**
 * What the firmware and the devices still hold once everything was torn down: firmware objects
 * in the ports' views and locked TDIs. A firmware VM may outlive only a KVM VM whose teardown
 * the firmware refused (it is not `destroyed`).
 */
export function leftovers(w: World): string[] {
  const tsm = w.ports.tsm.view();
  const gone = (vm: string) => w.host.kvm[vm]?.phase === 'destroyed';
  return [
    ...tsm.sessions.map((dsm) => `the SPDM session with ${dsm}`),
    ...tsm.ideStreams.map((s) => `IDE stream ${s.streamId} with ${s.dsm}`),
    ...tsm.tdis.map((t) => `the TDI context of ${t.tdi} for ${t.vm}`),
    ...tsm.vms.filter(gone).map((vm) => `the firmware VM ${vm}`),
    ...w.ports.mmio.view().map((m) => `the private mapping of range ${m.rangeIndex} of ${m.tdi} in ${m.vm}`),
    ...w.ports.iommu.view().map((c) => `the trusted DMA context of ${c.tdi}`),
    ...w.link.functions.filter((f) => w.link.isTdi(f) && w.link.tdiState(f) !== 'CONFIG_UNLOCKED').map((f) => `${f} in ${w.link.tdiState(f)}`),
  ];
}
