import type { Actor } from './actor.js';

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

export type TraceInput = Omit<TraceEntry, 'seq' | 'caller' | 'step'>;

/**
 * Collects the trace of a run. Calls nest: while an actor's work runs inside `as()`, entries
 * recorded by what it calls name it as their caller, which is what a sequence diagram draws.
 */
export class Tracer {
  private readonly log: TraceEntry[] = [];
  private readonly callers: Actor[] = [];
  private step: string | undefined;

  get entries(): readonly TraceEntry[] {
    return this.log;
  }

  get length(): number {
    return this.log.length;
  }

  record(entry: TraceInput): TraceEntry {
    const outer = this.callers[this.callers.length - 1];
    const full: TraceEntry = {
      seq: this.log.length + 1,
      caller: outer === entry.actor ? undefined : outer,
      actor: entry.actor,
      op: entry.op,
      args: entry.args,
      result: entry.result,
      step: this.step,
      fatal: entry.fatal,
      note: entry.note,
    };
    this.log.push(full);
    return full;
  }

  /**
   * Records a call whose result is known only when `work` returns: the entry takes its place
   * in the log first, so what the call causes (a firmware call's device exchanges) follows it,
   * attributed to `entry.actor` as caller.
   */
  span<T>(entry: Omit<TraceInput, 'result' | 'fatal'>, work: () => T, outcome: (value: T) => { result: string; fatal?: boolean }): T {
    const open = this.record(entry as TraceInput) as { result: string; fatal?: true };
    open.result = 'pending';
    const value = this.as(entry.actor, work);
    const { result, fatal } = outcome(value);
    // The entry is the tracer's own until it is handed out; completing it in place keeps spans cheap.
    open.result = result;
    if (fatal) open.fatal = true;
    return value;
  }

  /** Runs `work` as `actor`: what it records, or causes others to record, is attributed to it. */
  as<T>(actor: Actor, work: () => T): T {
    this.callers.push(actor);
    try {
      return work();
    } finally {
      this.callers.pop();
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
    this.log.length = 0;
  }

  /** Entries after `seq` (for reporting what a step did). */
  since(seq: number): readonly TraceEntry[] {
    return this.log.slice(seq);
  }
}
