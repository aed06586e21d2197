import { deserialize, serialize } from 'node:v8';
import type { DependencyContainer } from 'tsyringe';
import { INVARIANTS } from '../invariants/index.js';
import { InvariantChecker, InvariantViolation, type Violation } from '../invariants/checker.js';
import { Engine } from '../lifecycle/engine.js';
import type { LoadedPlugin } from '../plugin/loaded-plugin.js';
import { runAction } from '../scenario/actions.js';
import { worldSpecOf } from '../scenario/load.js';
import { PluginRunError } from '../scenario/run.js';
import { canonicalHash } from '../util/canonical.js';
import { World, type WorldSnapshot } from '../world/world.js';
import { type Choice, choicesOf } from './choices.js';
import { deadCounterView } from './dead-counters.js';
import type { Expansion as WorldExpansion, ExplorerWorld, FirmwareError, Initial as WorldInitial, Successor as WorldSuccessor } from './explorer-world.js';
import { modelScenario } from './load-model.js';
import type { ExploreModel } from './model.js';
import { tornDown } from './teardown.js';

/** A state of the search: the world, and how many more times each event may fire on this path. */
export interface ExploreState {
  /** The world's snapshot, v8-serialised: a few kB where the live objects take several times that. */
  readonly world: Uint8Array;
  /** Per model event (a group counts once). */
  readonly budgets: readonly number[];
  /** Events fired since init: where the next action sits in a replayed scenario. */
  readonly depth: number;
  /** Hash of the world with dead counters forgotten: an event that leaves it unchanged did not fire. */
  readonly progress: string;
  /** Everything is torn down cleanly (no deadlock here even if nothing can fire). */
  readonly tornDown: boolean;
}

type Successor = WorldSuccessor<ExploreState>;
type Expansion = WorldExpansion<ExploreState>;
type Initial = WorldInitial<ExploreState>;

/**
 * One world of a model on one plugin, reused for every transition: restore a state, fire an
 * event exactly as `teeio run` executes a scenario action (same engine, same checks, same JSON
 * pointer), read what it did, hash the result. Pure in its inputs, so any worker computes the
 * same successors.
 */
export class ModelWorld implements ExplorerWorld<ExploreState> {
  private readonly w: World;
  private readonly checker: InvariantChecker;
  private readonly forget: ReturnType<typeof deadCounterView>;
  private readonly initLength: number;
  private readonly choices: readonly Choice[];
  /**
   * The progress hash of the state the world holds exactly, when known: with the reduction on,
   * the world after an event that did not fire is the state it started from, so the next event
   * need not restore it (most events from most states do not fire).
   */
  private holds: string | undefined;
  /** Keys of the states this world has copied for the search. */
  private readonly sent = new Set<string>();

  constructor(
    private readonly model: ExploreModel,
    private readonly plugin: LoadedPlugin,
    parent: DependencyContainer,
    private readonly reduction: boolean,
  ) {
    this.w = new World(worldSpecOf(modelScenario(model)), plugin, parent);
    const checked = model.invariants;
    this.checker = new InvariantChecker(checked ? INVARIANTS.filter((i) => checked.includes(i.id)) : INVARIANTS);
    this.forget = deadCounterView(model.faults ?? []);
    this.initLength = model.init?.length ?? 0;
    this.choices = choicesOf(model);
  }

  /** Creates the VMs and runs init in order, as `runScenario` starts a run. */
  initial(): Initial {
    const w = this.w;
    const engine = this.engine();
    const violation = this.guard('/vms', () => {
      this.checker.afterBatch(w, '/vms', () => w.spec.vms.forEach((vm) => engine.step('vm.create', { vm })));
      (this.model.init ?? []).forEach((a, i) => {
        runAction(w, engine, a);
        this.checker.afterAction(w, `/steps/${i}`);
      });
      this.checker.atEnd(w);
    });
    const budgets = this.model.events.map((e) => e.max ?? 1);
    const { key, progress, firmwareErrors, live } = this.observe(budgets);
    return { key, firmwareErrors, state: this.capture(key, live, budgets, 0, progress), ...(violation ? { violation } : {}) };
  }

  /** Fires every action whose event (or group) has budget left from `s`, in model order. */
  expand(s: ExploreState): Expansion {
    const successors: Successor[] = [];
    this.choices.forEach((c, i) => {
      if ((s.budgets[c.event] ?? 0) > 0) successors.push(this.fire(s, i, c));
    });
    return { successors, tornDown: s.tornDown };
  }

  private fire(s: ExploreState, choice: number, { action, event: budget }: Choice): Successor {
    if (this.holds !== s.progress) this.w.restore(deserialize(s.world) as WorldSnapshot, true);
    const at = `/steps/${this.initLength + s.depth}`;
    const violation = this.guard(at, () => {
      runAction(this.w, this.engine(), action);
      this.checker.afterAction(this.w, at);
      this.checker.atEnd(this.w);
    });
    const budgets = s.budgets.map((b, i) => (i === budget ? b - 1 : b));
    const { key, progress, firmwareErrors, live } = this.observe(budgets);
    const fired = progress !== s.progress;
    // An event that changed nothing did not fire, and a state this world sent before is in the
    // search's visited set by the time this successor is read (it reads them in order): neither
    // needs a copy.
    const fresh = fired && !this.sent.has(key);
    const state = fresh ? this.capture(key, live, budgets, s.depth + 1, progress) : undefined;
    // One object shape for every successor (an optional field spread in would make each a slow dictionary object).
    return { event: choice, fired, key, state, firmwareErrors, violation };
  }

  /** Runs `work`; an invariant breach is the result, anything else the plugin's fault (as in `runScenario`). */
  private guard(at: string, work: () => void): Violation | undefined {
    this.w.tracer.clear();
    try {
      work();
      return undefined;
    } catch (e) {
      if (e instanceof InvariantViolation) return e.violation;
      throw new PluginRunError(this.plugin.declaration.name, at, e instanceof Error ? e.message : String(e));
    }
  }

  /**
   * The world's key and progress hash now, the firmware errors the last transition met, and its
   * live state as the search would keep it. With the reduction, the world goes on from the
   * forgotten counters (so does its copy).
   */
  private observe(budgets: readonly number[]): { key: string; progress: string; firmwareErrors: FirmwareError[]; live: WorldSnapshot } {
    const w = this.w;
    const firmwareErrors = w.tracer.entries.filter((t) => t.actor === 'firmware' && t.result !== 'ok').map((t) => ({ op: t.op, code: t.result }));
    const live = w.state();
    const forgotten = { ...live, faults: this.forget(live.faults) };
    const progress = canonicalHash(forgotten);
    if (this.reduction) w.faults.restore(forgotten.faults);
    this.holds = this.reduction ? progress : undefined;
    const key = `${this.reduction ? progress : canonicalHash(live)}/${budgets.join(',')}`;
    return { key, progress, firmwareErrors, live: this.reduction ? forgotten : live };
  }

  /** A copy of the world as a search state (only for states worth keeping: copying costs). */
  private capture(key: string, live: WorldSnapshot, budgets: readonly number[], depth: number, progress: string): ExploreState {
    this.sent.add(key);
    return { world: serialize(live), budgets, depth, progress, tornDown: tornDown(this.w) };
  }

  private engine(): Engine {
    const { plans, semantics } = this.plugin.declaration;
    return new Engine(this.w, plans, semantics.unwind, this.checker);
  }
}
