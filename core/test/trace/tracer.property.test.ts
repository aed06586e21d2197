import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACTORS, type Actor, type TraceArgs, type TraceEntry, Tracer } from '../../src/index.js';

/**
 * The tracer keeps its log as slots and makes entries into objects when they are read. Random
 * programs of records, spans (nested, failing, fatal), `as`, steps, step spans, reads in the
 * middle of open spans and clears, run against it and against a model that builds every entry
 * as an object when it happens: the same entries, the same JSON byte for byte (a report prints
 * it), at every read.
 */

type Program = readonly Op[];
type Op =
  | { readonly kind: 'record'; readonly actor: Actor; readonly op: string; readonly args?: TraceArgs; readonly result: string; readonly fatal?: true; readonly note?: string }
  | { readonly kind: 'span'; readonly actor: Actor; readonly op: string; readonly args?: TraceArgs; readonly note?: string; readonly body: Program; readonly result: string; readonly fatal: boolean }
  | { readonly kind: 'as'; readonly actor: Actor; readonly body: Program }
  | { readonly kind: 'stepSpan'; readonly step: string; readonly caller?: Actor; readonly actor: Actor; readonly op: string; readonly body: Program; readonly result: string; readonly fatal: boolean }
  | { readonly kind: 'step'; readonly step: string; readonly body: Program }
  | { readonly kind: 'read' }
  | { readonly kind: 'clear' };

const actor = fc.constantFrom(...ACTORS);
const word = fc.constantFrom('TDH.MMIO.MAP', 'LOCK_INTERFACE_REQUEST', 'pci_tsm_bind', 'ok', 'TDX_OPERAND_BUSY', 'connect/tsm.connect', '');
const args: fc.Arbitrary<TraceArgs> = fc.dictionary(
  fc.constantFrom('tdi', 'vm', 'gpa', 'pages', 'force', 'missing'),
  fc.oneof(fc.string({ maxLength: 6 }), fc.nat(), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.boolean(), fc.constant(undefined)),
  { maxKeys: 4 },
);
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });

const { program } = fc.letrec<{ program: Program; op: Op }>((tie) => ({
  program: fc.array(tie('op'), { maxLength: 5 }),
  op: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ kind: fc.constant('record' as const), actor, op: word, args: maybe(args), result: word, fatal: maybe(fc.constant(true as const)), note: maybe(word) }),
    fc.record({ kind: fc.constant('read' as const) }),
    fc.record({ kind: fc.constant('clear' as const) }),
    fc.record({ kind: fc.constant('span' as const), actor, op: word, args: maybe(args), note: maybe(word), body: tie('program') as fc.Arbitrary<Program>, result: word, fatal: fc.boolean() }),
    fc.record({ kind: fc.constant('as' as const), actor, body: tie('program') as fc.Arbitrary<Program> }),
    fc.record({ kind: fc.constant('stepSpan' as const), step: word, caller: maybe(actor), actor, op: word, body: tie('program') as fc.Arbitrary<Program>, result: word, fatal: fc.boolean() }),
    fc.record({ kind: fc.constant('step' as const), step: word, body: tie('program') as fc.Arbitrary<Program> }),
  ),
}));

/** What the trace shows of `args`: numbers and bigints in hex, undefined left out. */
function text(a: TraceArgs): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(a)) if (v !== undefined) out[k] = typeof v === 'number' || typeof v === 'bigint' ? `0x${v.toString(16)}` : String(v);
  return out;
}

/** The model: an object per entry, made when it happens and completed in place. */
class Model {
  log: Record<string, unknown>[] = [];
  private working: Actor[] = [];
  private step: string | undefined;

  entry(actor: Actor, op: string, a: TraceArgs | undefined, result: string, fatal: true | undefined, note: string | undefined): Record<string, unknown> {
    const outer = this.working.at(-1);
    const e = { seq: this.log.length + 1, caller: outer === actor ? undefined : outer, actor, op, args: a && text(a), result, step: this.step, fatal, note };
    this.log.push(e);
    return e;
  }

  run(p: Program, t: Tracer, reads: string[][]): void {
    for (const o of p) {
      if (o.kind === 'record') {
        this.entry(o.actor, o.op, o.args, o.result, o.fatal, o.note);
        t.record({ actor: o.actor, op: o.op, args: o.args, result: o.result, fatal: o.fatal, note: o.note });
      } else if (o.kind === 'span') {
        const e = this.entry(o.actor, o.op, o.args, 'pending', undefined, o.note);
        this.working.push(o.actor);
        t.span({ actor: o.actor, op: o.op, args: o.args, note: o.note }, () => this.run(o.body, t, reads), () => ({ result: o.result, fatal: o.fatal }));
        this.working.pop();
        e['result'] = o.result;
        if (o.fatal) e['fatal'] = true;
      } else if (o.kind === 'stepSpan') {
        // What the engine did before stepSpan: as(caller, inStep(step, span)).
        const outer = this.step;
        if (o.caller) this.working.push(o.caller);
        this.step = o.step;
        const e = this.entry(o.actor, o.op, undefined, 'pending', undefined, undefined);
        this.working.push(o.actor);
        t.stepSpan(o.step, o.caller, { actor: o.actor, op: o.op }, () => this.run(o.body, t, reads), () => ({ result: o.result, fatal: o.fatal }));
        this.working.pop();
        e['result'] = o.result;
        if (o.fatal) e['fatal'] = true;
        this.step = outer;
        if (o.caller) this.working.pop();
      } else if (o.kind === 'as') {
        this.working.push(o.actor);
        t.as(o.actor, () => this.run(o.body, t, reads));
        this.working.pop();
      } else if (o.kind === 'step') {
        const outer = this.step;
        this.step = o.step;
        t.inStep(o.step, () => this.run(o.body, t, reads));
        this.step = outer;
      } else if (o.kind === 'read') {
        reads.push([JSON.stringify(t.entries), JSON.stringify(this.log)]);
        expect(t.length).toBe(this.log.length);
      } else {
        this.log = [];
        t.clear();
      }
    }
  }
}

describe('Tracer', () => {
  it('reads back, at any point, the entries an object-per-entry log holds, byte for byte as JSON', () => {
    fc.assert(
      fc.property(program, (p) => {
        const t = new Tracer();
        const m = new Model();
        const reads: string[][] = [];
        m.run(p, t, reads);
        for (const [got, want] of reads) expect(got).toBe(want);
        expect(JSON.stringify(t.entries)).toBe(JSON.stringify(m.log));
        expect(t.entries).toEqual(m.log);
        expect(t.length).toBe(m.log.length);
        expect(t.since(1)).toEqual(m.log.slice(1));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps making the entries a read made before more were recorded (a read does not freeze the log)', () => {
    const t = new Tracer();
    t.record({ actor: 'vmm', op: 'a', result: 'ok' });
    const first: readonly TraceEntry[] = t.entries;
    t.span({ actor: 'firmware', op: 'b', args: { gpa: 4096n } }, () => t.record({ actor: 'device', op: 'c', result: 'ok' }), () => ({ result: 'E', fatal: true }));
    expect(t.entries.map((e) => [e.seq, e.caller, e.op, e.result, e.fatal, e.args])).toEqual([
      [1, undefined, 'a', 'ok', undefined, undefined],
      [2, undefined, 'b', 'E', true, { gpa: '0x1000' }],
      [3, 'firmware', 'c', 'ok', undefined, undefined],
    ]);
    expect(t.entries[0]).toBe(first[0]);
  });
});
