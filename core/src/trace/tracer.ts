import type { Actor } from './actor.js';

/** Arguments worth showing in a trace: numbers and bigints in hex, the rest as text. */
export type TraceArgs = Readonly<Record<string, string | number | bigint | boolean | undefined>>;

/** One thing that happened, in order. */
export interface TraceEntry {
  readonly seq: number;
  /** Who asked (the enclosing actor), absent at the top of a step. */
  readonly caller?: Actor;
  /** Who did it. */
  readonly actor: Actor;
  /** The kernel, vendor or TDISP name of what was done: `TDH.MMIO.MAP`, `pci_tsm_bind`, `LOCK_INTERFACE_REQUEST`. */
  readonly op: string;
  /** The arguments that matter, as text. */
  readonly args?: Readonly<Record<string, string>>;
  /** `ok`, the vendor's error code, or `skipped`. */
  readonly result: string;
  /** The lifecycle step it happened in. */
  readonly step?: string;
  /** The failure was fatal for the VM. */
  readonly fatal?: true;
  /** Why, where the order is the point (from the plan). */
  readonly note?: string;
}

/**
 * What a caller records. `args` are read when the trace is read, not when it is recorded: pass
 * an object of your own (a literal), never one you change afterwards.
 */
export interface TraceInput extends Omit<TraceEntry, 'seq' | 'caller' | 'step' | 'args'> {
  readonly args?: TraceArgs;
}

/** `args` as text: itself when every value already is (a step's target), else a copy. */
function argText(args: TraceArgs): Readonly<Record<string, string>> {
  let plain = true;
  for (const k in args) if (typeof args[k] !== 'string') plain = false;
  if (plain) return args as Readonly<Record<string, string>>;
  const out: Record<string, string> = {};
  for (const k in args) {
    const v = args[k];
    if (v !== undefined) out[k] = typeof v === 'bigint' || typeof v === 'number' ? `0x${v.toString(16)}` : String(v);
  }
  return out;
}

/** Slots an entry takes in the log: caller, actor, op, args, result, step, fatal, note. */
const WIDTH = 8;
const enum Slot {
  Caller,
  Actor,
  Op,
  Args,
  Result,
  Step,
  Fatal,
  Note,
}
/** Entries a tracer has room for before its log first grows: a whole lifecycle makes about 70. */
const ROOM = 128;

/**
 * Collects the trace of a run. Calls nest: while an actor's work runs inside `as()`, entries
 * recorded by what it calls name it as their caller, which is what a sequence diagram draws.
 *
 * Many runs are never read entry by entry (a benchmark, a sweep position that passes, a run
 * asked for its outcome alone), so the log is one array of slots, WIDTH per entry, each a
 * reference to a value the caller already had, and an entry becomes an object only when
 * `entries` is read; entries made so are kept, so reading again makes only the new. (One array
 * per field measured slower than an object per entry: eight arrays growing, not one.)
 */
export class Tracer {
  /** Every entry's fields one after another, WIDTH slots each. */
  private readonly slots: unknown[] = new Array<unknown>(ROOM * WIDTH);
  private n = 0;
  /** How many times the log was cleared. */
  private clears = 0;
  /** Entries made into objects so far: a prefix of the log. */
  private readonly made: TraceEntry[] = [];
  /** Who is working now, innermost last. */
  private readonly working: Actor[] = [];
  private step: string | undefined;

  get entries(): readonly TraceEntry[] {
    for (let i = this.made.length; i < this.n; i++) this.made.push(this.entry(i));
    return this.made;
  }

  get length(): number {
    return this.n;
  }

  record(entry: TraceInput): void {
    this.append(entry, entry.result);
  }

  /**
   * Records a call whose result is known only when `work` returns: the entry takes its place
   * in the log first, so what the call causes (a firmware call's device exchanges) follows it,
   * attributed to `entry.actor` as caller.
   */
  span<T>(entry: Omit<TraceInput, 'result' | 'fatal'>, work: () => T, outcome: (value: T) => { result: string; fatal?: boolean }): T {
    const at = this.append(entry, 'pending');
    const cleared = this.clears;
    const value = this.as(entry.actor, work);
    const { result, fatal } = outcome(value);
    // Forgotten while open (cleared): its slot now holds another entry.
    if (cleared !== this.clears) return value;
    this.slots[at * WIDTH + Slot.Result] = result;
    if (fatal) this.slots[at * WIDTH + Slot.Fatal] = true;
    // Read while the call was open (an observer inside it): made again, complete.
    if (at < this.made.length) this.made[at] = this.entry(at);
    return value;
  }

  /**
   * `span` labelled `step` and run as `caller` (when there is one): `inStep` and `as` around
   * `span` in one call, for the lifecycle engine's every step (three nested closures per step
   * cost more than its entry).
   */
  stepSpan<T>(step: string, caller: Actor | undefined, entry: Omit<TraceInput, 'result' | 'fatal'>, work: () => T, outcome: (value: T) => { result: string; fatal?: boolean }): T {
    const outer = this.step;
    if (caller !== undefined) this.working.push(caller);
    this.step = step;
    try {
      return this.span(entry, work, outcome);
    } finally {
      this.step = outer;
      if (caller !== undefined) this.working.pop();
    }
  }

  /** Runs `work` as `actor`: what it records, or causes others to record, is attributed to it. */
  as<T>(actor: Actor, work: () => T): T {
    this.working.push(actor);
    try {
      return work();
    } finally {
      this.working.pop();
    }
  }

  /** Labels everything recorded during `work` with the lifecycle step it belongs to. */
  inStep<T>(step: string, work: () => T): T {
    const outer = this.step;
    this.step = step;
    try {
      return work();
    } finally {
      this.step = outer;
    }
  }

  /** Forgets every entry: the explorer reads each transition's entries, then starts the next afresh. */
  clear(): void {
    this.slots.fill(undefined, 0, this.n * WIDTH);
    this.n = 0;
    this.made.length = 0;
    this.clears++;
  }

  /** Entries after `seq` (for reporting what a step did). */
  since(seq: number): readonly TraceEntry[] {
    return this.entries.slice(seq);
  }

  /** Appends `entry` with `result`; its index. */
  private append(entry: Omit<TraceInput, 'result'>, result: string): number {
    const outer = this.working[this.working.length - 1];
    const s = this.slots;
    const b = this.n * WIDTH;
    // Past the end the array grows by itself, in V8's steps.
    s[b + Slot.Caller] = outer === entry.actor ? undefined : outer;
    s[b + Slot.Actor] = entry.actor;
    s[b + Slot.Op] = entry.op;
    s[b + Slot.Args] = entry.args;
    s[b + Slot.Result] = result;
    s[b + Slot.Step] = this.step;
    s[b + Slot.Fatal] = entry.fatal;
    s[b + Slot.Note] = entry.note;
    return this.n++;
  }

  /** Entry `i` as an object, every field in place (JSON leaves the undefined ones out). */
  private entry(i: number): TraceEntry {
    const s = this.slots;
    const b = i * WIDTH;
    const args = s[b + Slot.Args] as TraceArgs | undefined;
    return {
      seq: i + 1,
      caller: s[b + Slot.Caller] as Actor | undefined,
      actor: s[b + Slot.Actor] as Actor,
      op: s[b + Slot.Op] as string,
      args: args === undefined ? undefined : argText(args),
      result: s[b + Slot.Result] as string,
      step: s[b + Slot.Step] as string | undefined,
      fatal: s[b + Slot.Fatal] as true | undefined,
      note: s[b + Slot.Note] as string | undefined,
    };
  }
}
