import type { DeviceSnapshot } from '../device/snapshot.js';
import { DeviceHost, type HostTdi } from './device-host.js';
import type { DeviceExploreModel, DeviceModelEventKind, DeviceStep } from './device-model.js';
import type { Expansion, ExplorerWorld, Initial, StateKey, Successor } from './explorer-world.js';
import { DeviceStateKeys } from './tdi-symmetry.js';

/** A state of a device model: the device, the host's per-TDI tuple, and the budgets left. */
export interface DeviceExploreState {
  readonly device: DeviceSnapshot;
  readonly host: readonly HostTdi[];
  /** Per TDI, then per event of the model (TDI i's event k at i × events + k), as in the Promela. */
  readonly budgets: readonly number[];
  /** Per TDI, its (TDI state, rep, map) code: an event that leaves them all unchanged did not fire. */
  readonly codes: readonly number[];
}

/** The event of budget index `e`: which kind, on which TDI. */
export function deviceStep(model: DeviceExploreModel, e: number): DeviceStep {
  const kinds = model.events.length;
  return { fire: (model.events[e % kinds] as { fire: DeviceModelEventKind }).fire, tdi: Math.floor(e / kinds) };
}

/**
 * The world of a device model: one DeviceHost reused for every transition (restore a state,
 * fire one event, read the TDIs' codes). An event that changes no code was refused (a
 * TDISP_ERROR, a host rule) and is no transition, as in the Promela. Pure in its inputs, so any
 * worker computes the same successors.
 */
export class DeviceWorld implements ExplorerWorld<DeviceExploreState> {
  private readonly host: DeviceHost;
  private readonly kinds: readonly DeviceModelEventKind[];
  /** The state the host holds exactly, when known: a refused event leaves it so, and needs no restore. */
  private held: DeviceExploreState | undefined;
  /** The TDIs' codes after the last event, rewritten in place (most events do not fire). */
  private readonly now: number[];

  private readonly keys: DeviceStateKeys;
  /** Keys of the states this world has copied for the search. */
  private readonly sent = new Set<StateKey>();

  constructor(
    private readonly model: DeviceExploreModel,
    symmetric: boolean,
  ) {
    this.host = new DeviceHost(model);
    this.keys = new DeviceStateKeys(model.device.tdis, model.events.map((e) => e.max ?? 1), symmetric);
    this.kinds = model.events.map((e) => e.fire);
    this.now = Array.from({ length: model.device.tdis }, () => 0);
  }

  /** The device's seed (its nonces): the run's only randomness. */
  get seed(): string {
    return String(this.host.device.config.seed);
  }

  initial(): Initial<DeviceExploreState> {
    const budgets = Array.from({ length: this.model.device.tdis }, () => this.model.events.map((e) => e.max ?? 1)).flat();
    this.readCodes();
    const key = this.keys.key(this.now, budgets);
    const state = this.capture(key, budgets);
    this.held = state;
    return { key, state, firmwareErrors: [] };
  }

  expand(s: DeviceExploreState): Expansion<DeviceExploreState> {
    const successors: Successor<DeviceExploreState>[] = [];
    const kinds = this.kinds.length;
    for (let e = 0; e < s.budgets.length; e += 1) {
      if (s.budgets[e] === 0) continue;
      if (this.held !== s) this.host.restore(s.device, s.host);
      this.held = s;
      const firmwareErrors = this.host.fire(Math.floor(e / kinds), this.kinds[e % kinds] as DeviceModelEventKind);
      if (!this.readCodes(s.codes)) {
        successors.push({ event: e, fired: false, key: '', state: undefined, violation: undefined, firmwareErrors });
        continue;
      }
      this.held = undefined;
      const budgets = s.budgets.slice();
      budgets[e] = (budgets[e] as number) - 1;
      const key = this.keys.key(this.now, budgets);
      // Most successors were reached before: copying the device for them would be wasted.
      const state = this.sent.has(key) ? undefined : this.capture(key, budgets);
      successors.push({ event: e, fired: true, key, state, violation: undefined, firmwareErrors });
    }
    // Torn down: every TDI CONFIG_UNLOCKED (code 0 also means no report flag) with nothing mapped.
    return { successors, tornDown: s.codes.every((c) => c === 0) };
  }

  /** The state the host holds now (its codes read into `now`), as a search state sent once. */
  private capture(key: StateKey, budgets: readonly number[]): DeviceExploreState {
    this.sent.add(key);
    return { device: this.host.device.snapshot(), host: [...this.host.tdis], budgets, codes: this.now.slice() };
  }

  /** Reads every TDI's code into `now`; whether any differs from `before`. */
  private readCodes(before?: readonly number[]): boolean {
    let changed = false;
    for (let i = 0; i < this.now.length; i += 1) {
      this.now[i] = this.host.code(i);
      changed ||= this.now[i] !== before?.[i];
    }
    return changed;
  }
}
