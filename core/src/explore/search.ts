import type { Expansion, Initial, StateKey, Successor } from './explorer-world.js';
import type { ExploreVerdict, FoundDeadlock, FoundViolation, ReachedFirmwareError, TraceStep } from './result.js';

/** Expands a BFS level: one Expansion per state, in order (in this thread or across workers). */
export type ExpandLevel<S> = (states: readonly S[]) => Promise<readonly Expansion<S>[]>;

/** Expands levels, and releases what it holds (worker threads) when the search ends. */
export interface LevelExpander<S> {
  readonly expand: ExpandLevel<S>;
  close(): Promise<void>;
}

/** What the search needs of a model: whether deadlocks count, and each event as a trace step. */
export interface SearchSpace<T extends TraceStep> {
  readonly deadlock: boolean;
  step(event: number): T;
}

/** Progress as the search goes: for the TTY line. */
export interface SearchProgress {
  readonly states: number;
  readonly depth: number;
  readonly queue: number;
}

export interface SearchOptions {
  readonly maxStates?: number;
  readonly onProgress?: (p: SearchProgress) => void;
}

/**
 * States expanded at a time (and between progress reports): bounds the copies held at once. A
 * batch's successors live until the search takes them; at 512 states they outlived the young
 * generation and the collector copied them (a third of a device model's search), at 64 they die young.
 */
const BATCH = 64;

/** A state waiting to be expanded, by id. */
interface Queued<S> {
  readonly id: number;
  readonly state: S;
}

/**
 * Breadth-first search over the model's states, one level at a time, with a visited set of
 * state keys. Successors are taken in state order, then event order, whoever computed them, so
 * the first path to anything is the shortest and the same for any number of workers. A state
 * that breaks an invariant is recorded and not expanded.
 */
export class Search<S, T extends TraceStep> {
  private readonly ids = new Map<StateKey, number>();
  /** Per state id: the id it was first reached from, and the event that reached it. */
  private readonly parent: number[] = [];
  private readonly via: number[] = [];
  private readonly violations = new Map<string, FoundViolation<T>>();
  private readonly firmwareErrors = new Map<string, ReachedFirmwareError<T>>();
  private deadlock: FoundDeadlock<T> | undefined;
  private deadlocks = 0;
  private transitions = 0;
  private depth = 0;
  private complete = true;

  constructor(
    private readonly space: SearchSpace<T>,
    private readonly options: SearchOptions = {},
  ) {}

  /** Searches from `initial` until every level is expanded or the state limit is reached; verdict() then says what it found. */
  async run(initial: Initial<S>, expandLevel: ExpandLevel<S>): Promise<void> {
    this.add(initial.key, -1, -1);
    this.note(0, initial);
    let level: Queued<S>[] = initial.violation ? [] : [{ id: 0, state: initial.state }];
    while (level.length > 0 && this.complete) {
      const next: Queued<S>[] = [];
      // A batch at a time: a level's successors all at once would hold every copied state.
      for (let at = 0; at < level.length && this.complete; at += BATCH) {
        const batch = level.slice(at, at + BATCH);
        const expansions = await expandLevel(batch.map((l) => l.state));
        batch.forEach((from, i) => this.complete && this.take(from.id, expansions[i] as Expansion<S>, next));
        this.progress(level.length - at - batch.length + next.length);
      }
      if (next.length > 0) this.depth += 1;
      level = next;
    }
  }

  /** The successors of one state, in event order; a state where nothing fires may be a deadlock. */
  private take(from: number, x: Expansion<S>, next: Queued<S>[]): void {
    for (const s of x.successors) if (this.visit(from, s, next)) return;
    if (this.space.deadlock && !x.tornDown && !x.successors.some((s) => s.fired)) this.noteDeadlock(from);
  }

  private progress(queue: number): void {
    this.options.onProgress?.({ states: this.ids.size, depth: this.depth, queue });
  }

  /** Takes one successor; true when the state limit stops the search. */
  private visit(from: number, s: Successor<S>, next: Queued<S>[]): boolean {
    this.transitions += 1;
    this.note(from, s, s.event);
    if (!s.fired || this.ids.has(s.key)) return false;
    const id = this.add(s.key, from, s.event);
    if (!s.violation) {
      // Each world sends a copy with the first successor reaching a state: the first one read here.
      if (!s.state) throw new Error(`internal: the state ${s.key} came without its copy`);
      next.push({ id, state: s.state });
    }
    if (this.options.maxStates !== undefined && this.ids.size >= this.options.maxStates) this.complete = false;
    return !this.complete;
  }

  private add(key: StateKey, from: number, event: number): number {
    const id = this.parent.length;
    this.ids.set(key, id);
    this.parent.push(from);
    this.via.push(event);
    return id;
  }

  /** Records the first (shortest) violation of each invariant and the first path to each firmware error. */
  private note(from: number, t: Pick<Initial<S>, 'violation' | 'firmwareErrors'>, event?: number): void {
    if (!t.violation && t.firmwareErrors.length === 0) return;
    const path = () => (event === undefined ? [] : [...this.path(from), event]);
    const v = t.violation;
    if (v && !this.violations.has(v.invariant)) {
      const events = path();
      this.violations.set(v.invariant, { invariant: v.invariant, number: v.number, step: v.step, message: v.message, objects: v.objects, depth: events.length, trace: this.actions(events) });
    }
    for (const f of t.firmwareErrors) {
      if (this.firmwareErrors.has(f.code)) continue;
      const events = path();
      this.firmwareErrors.set(f.code, { code: f.code, op: f.op, depth: events.length, trace: this.actions(events) });
    }
  }

  private noteDeadlock(id: number): void {
    this.deadlocks += 1;
    if (this.deadlock) return;
    const events = this.path(id);
    this.deadlock = { depth: events.length, trace: this.actions(events) };
  }

  /** The events from the initial state to state `id`. */
  private path(id: number): number[] {
    const out: number[] = [];
    for (let at = id; at > 0; at = this.parent[at] ?? 0) out.push(this.via[at] ?? 0);
    return out.reverse();
  }

  private actions(events: readonly number[]): T[] {
    return events.map((e) => this.space.step(e));
  }

  verdict(): ExploreVerdict<T> {
    return {
      transitions: this.transitions,
      states: this.ids.size,
      depth: this.depth,
      complete: this.complete,
      violations: [...this.violations.values()].sort((a, b) => a.number - b.number),
      deadlocks: this.deadlocks,
      ...(this.deadlock ? { deadlock: this.deadlock } : {}),
      firmwareErrors: [...this.firmwareErrors.values()].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0)),
    };
  }
}
