import { DeviceBlueprint } from '../device/blueprint.js';
import { TdispDevice } from '../device/device.js';
import { FaultInjector } from '../faults/fault-plan.js';
import { type GuestState, initialGuests } from '../guest/state.js';
import { type HostState, initialHostState } from '../host/state.js';
import type { Bdf, VmId } from '../model/ids.js';
import { Tracer } from '../trace/tracer.js';
import { DeviceLink } from './device-link.js';
import type { Assignment, WorldSpec } from './platform.js';

/**
 * What every world of one spec starts from, prepared once: the devices' checked blueprints and
 * the host's and guests' initial state. A world clones it instead of validating and deriving it
 * again; a run that builds many worlds from one spec (a benchmark, a sweep, an explorer) pays
 * for the preparation once.
 */
export interface WorldTemplate {
  readonly devices: readonly DeviceBlueprint[];
  readonly host: HostState;
  readonly guests: Readonly<Record<VmId, GuestState>>;
  /** The spec's assignments by TDI (a TDI is assigned at most once). */
  readonly assignments: ReadonlyMap<Bdf, Assignment>;
}

const prepared = new WeakMap<WorldSpec, WorldTemplate>();

/** The template of `spec`, prepared on first use; a spec is plain data that no run changes. */
export function templateOf(spec: WorldSpec): WorldTemplate {
  let t = prepared.get(spec);
  if (!t) prepared.set(spec, (t = prepare(spec)));
  return t;
}

function prepare(spec: WorldSpec): WorldTemplate {
  // Each device's nonces come from the run's seed and the device's name in the scenario.
  const devices = spec.devices.map((d) => new DeviceBlueprint({ ...d.config, seed: `${spec.seed}/${d.id}` }));
  const link = new DeviceLink(
    devices.map((b) => new TdispDevice(b)),
    new Tracer(),
    FaultInjector.of([]),
  );
  const host = initialHostState(link.functions.map((bdf) => ({ bdf, dsm: link.dsmOf(bdf), isTdi: link.isTdi(bdf) })));
  const assignments = new Map(spec.assignments.map((a) => [a.tdi, a]));
  return { devices, host, guests: initialGuests(spec.assignments, spec.vms), assignments };
}
