/**
 * Structured mutations of scenario files for the fuzzer (issue 10): each case is an example with
 * one to three edits to its JSON tree — a value of the wrong type, a missing or unknown key, a
 * reference to a device function, VM or TDI that does not exist, a huge array, deep nesting, odd
 * unicode, a number out of range, steps reordered or repeated — and sometimes an edit to the
 * text itself (NaN, Infinity, a comment, a trailing comma, a cut).
 */
import fc from 'fast-check';
import { ACTORS, DEVICE_EVENTS, DEVICE_PRESETS, FAULT_KINDS, FLOW_NAMES, HOST_EVENTS, STEP_NAMES } from '@teeio/core';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Container = Json[] | { [key: string]: Json };

/** A place in the tree: a container and one of its keys. */
interface Slot {
  readonly parent: Container;
  readonly key: string | number;
}

const isContainer = (v: Json): v is Container => typeof v === 'object' && v !== null;

/** Every slot of `doc`, depth first, in key order (deterministic for a given tree). */
function slots(doc: Json, out: Slot[] = []): Slot[] {
  if (!isContainer(doc)) return out;
  for (const key of Array.isArray(doc) ? doc.keys() : Object.keys(doc)) {
    out.push({ parent: doc, key });
    slots((doc as Record<string | number, Json>)[key] ?? null, out);
  }
  return out;
}

const containers = (doc: Json): Container[] => [doc, ...slots(doc).map((s) => get(s))].filter(isContainer);
const get = (s: Slot): Json => (s.parent as Record<string | number, Json>)[s.key] ?? null;
const set = (s: Slot, v: Json): void => void ((s.parent as Record<string | number, Json>)[s.key] = v);
const pick = <T>(items: readonly T[], i: number): T | undefined => items[i % Math.max(1, items.length)];

/** Strings a scenario should never have to take seriously: direction overrides, zero-width, NUL, lone surrogates, full-width digits. */
const ODD_STRINGS = ['', ' ', '\u202evm0', 'vm0\u200b', '\u0000', '\ud800', '\udfff\ud800', 'ｖｍ０', '0000:01:00.1\n', 'é', 'e\u0301', '👾'.repeat(3), '\u{10ffff}', 'a'.repeat(70_000)];
/** Numbers at and past every edge the schema and the code have. */
const ODD_NUMBERS = [-1, -0, 0.5, 65_536, 2 ** 31, 2 ** 32, 2 ** 53, 2 ** 53 + 2, 1e21, 1e308, -1e308, Number.MIN_VALUE, 4.9e-324];
/** Words a scenario may use, to put one where another was: a step for a flow, an event for a step, a preset, an actor. */
const VOCABULARY = [...STEP_NAMES, ...FLOW_NAMES, ...DEVICE_EVENTS, ...HOST_EVENTS, ...ACTORS, ...Object.keys(DEVICE_PRESETS), 'vfio', 'pci-blocks', 'vfio-unbinds', 'RUN', 'ERROR'];
/** Names that look right and refer to nothing on the examples' platform. */
const DANGLING = ['0000:ff:1f.7', 'ffff:ff:1f.7', '0000:01:00.7', '0000:02:00.0', '0000:01:00.0', '0000:01:00.1', 'vm1', 'vm9', 'ghost', 'nic1'];

const oddValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(null, true, false, [], {}, [null], { '': null }),
  fc.constantFrom(...ODD_NUMBERS),
  fc.constantFrom(...ODD_STRINGS),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom(...DANGLING),
);

/** An edit to the tree; `at` picks the slot, modulo how many there are. */
export type TreeEdit =
  | { readonly op: 'replace'; readonly at: number; readonly value: Json }
  | { readonly op: 'delete'; readonly at: number }
  | { readonly op: 'add-key'; readonly at: number; readonly key: string; readonly value: Json }
  | { readonly op: 'rename-key'; readonly at: number; readonly key: string }
  | { readonly op: 'huge'; readonly at: number; readonly length: number }
  | { readonly op: 'nest'; readonly at: number; readonly depth: number; readonly brace: boolean }
  | { readonly op: 'retarget'; readonly at: number; readonly name: string }
  | { readonly op: 'swap-word'; readonly at: number; readonly word: string }
  | { readonly op: 'faults'; readonly faults: readonly { readonly kind: string; readonly nth: number }[] }
  | { readonly op: 'shuffle-steps'; readonly order: readonly number[] }
  | { readonly op: 'repeat-steps'; readonly length: number };

const at = fc.nat({ max: 10_000 });
const key = fc.oneof(fc.constantFrom('tdi', 'vm', 'dsm', 'flow', 'step', 'event', 'nth', 'kind', '__proto__', 'constructor', 'toString', 'violation'), fc.string({ unit: 'binary', maxLength: 8 }), fc.constantFrom(...DANGLING));

/** Edits that keep the file's shape: steps in another order, repeated, or naming something else. */
const orderEdit: fc.Arbitrary<TreeEdit> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('shuffle-steps' as const), order: fc.array(fc.nat({ max: 40 }), { minLength: 1, maxLength: 12 }) }) },
  // At most 80 steps: a step costs the engine about a millisecond here, and a case must stay well under a second.
  { weight: 1, arbitrary: fc.record({ op: fc.constant('repeat-steps' as const), length: fc.integer({ min: 20, max: 80 }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('retarget' as const), at, name: fc.constantFrom(...DANGLING) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('swap-word' as const), at, word: fc.constantFrom(...VOCABULARY) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('faults' as const), faults: fc.array(fc.record({ kind: fc.constantFrom(...FAULT_KINDS), nth: fc.integer({ min: 1, max: 150 }) }), { minLength: 1, maxLength: 3 }) }) },
);

export const treeEdit: fc.Arbitrary<TreeEdit> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('replace' as const), at, value: oddValue }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('delete' as const), at }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('add-key' as const), at, key, value: oddValue }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('rename-key' as const), at, key }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('huge' as const), at, length: fc.integer({ min: 1_000, max: 10_000 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('nest' as const), at, depth: fc.integer({ min: 100, max: 50_000 }), brace: fc.boolean() }) },
  { weight: 2, arbitrary: orderEdit },
);

/**
 * Deep nesting is spliced into the text: JSON.stringify and structuredClone recurse, so the tree
 * holds a marker where `[[[…]]]` (or `{"a":{…}}`) goes. Only the first marker nests (a huge array
 * of copies would make a file of tens of megabytes); the others become `1`.
 */
const NEST_MARKER = /"\\u0000nest:(\d+):(\w+)"/g;
const nestMarker = (depth: number, brace: boolean): string => `\u0000nest:${depth}:${brace ? 'brace' : 'bracket'}`;
const nestedText = (depth: number, brace: string): string => (brace === 'brace' ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}` : `${'['.repeat(depth)}1${']'.repeat(depth)}`);

/**
 * What a huge array may add to a file, compact (about three times that pretty-printed): the
 * issue's slow scenarios were about 100 KB.
 */
const HUGE_BYTES = 200_000;

/**
 * A huge array: the old one's items repeated, or fresh names (`vms` stays unique, so it still
 * validates); as many as `length`, or as fit in HUGE_BYTES.
 */
function huge(old: Json, length: number): Json[] {
  const items = Array.isArray(old) && old.length > 0 ? old : [old];
  const first = items[0];
  const fits = Math.floor(HUGE_BYTES / Math.max(...items.map((x) => JSON.stringify(x).length), 16));
  return Array.from({ length: Math.min(length, fits) }, (_, i) => (typeof first === 'string' ? `${first.slice(0, 16)}x${i}` : structuredClone(items[i % items.length] ?? null)));
}

/** The steps in the order `order` picks them (repeats allowed, others dropped). */
function reorder(steps: Json, order: readonly number[]): Json {
  if (!Array.isArray(steps) || steps.length === 0) return steps;
  return order.map((i) => structuredClone(steps[i % steps.length] ?? null));
}

type Doc = { [key: string]: Json };

/**
 * `/steps` itself is never made huge: thousands of valid steps are a long run (about a millisecond
 * a step here, linear), which the size benchmark measures; `repeat-steps` makes it up to 80 long.
 */
const isStepList = (s: Slot, doc: Doc): boolean => s.parent === doc && s.key === 'steps';

/** Applies `e` to `doc` in place. */
export function applyEdit(doc: Doc, e: TreeEdit): void {
  if (e.op === 'shuffle-steps') return void (doc['steps'] = reorder(doc['steps'] ?? null, e.order));
  if (e.op === 'repeat-steps') return void (doc['steps'] = reorder(doc['steps'] ?? null, Array.from({ length: e.length }, (_, i) => i)));
  if (e.op === 'retarget') return retarget(doc, e);
  if (e.op === 'swap-word') return swapWord(doc, e);
  if (e.op === 'faults') return void (doc['faults'] = e.faults.map((f) => ({ ...f })));
  if (e.op === 'add-key' || e.op === 'rename-key') return editKey(doc, e);
  const slot = pick(e.op === 'huge' ? slots(doc).filter((s) => !isStepList(s, doc)) : slots(doc), e.at);
  if (!slot) return;
  if (e.op === 'replace') set(slot, e.value);
  else if (e.op === 'huge') set(slot, huge(get(slot), e.length));
  else if (e.op === 'nest') set(slot, nestMarker(e.depth, e.brace));
  else if (Array.isArray(slot.parent)) slot.parent.splice(Number(slot.key), 1);
  else delete slot.parent[slot.key];
}

/** The names a scenario refers to: `tdi`, `vm` and `dsm` of steps and assignments, the VMs, the expectations' TDIs and VMs. */
const REFERENCE_KEYS = new Set(['tdi', 'vm', 'dsm']);
const isReference = (s: Slot, doc: Doc): boolean => REFERENCE_KEYS.has(String(s.key)) || s.parent === doc['vms'];

/** Points one reference at something else (which may not exist); renaming an expectation's key is `rename-key`. */
function retarget(doc: Doc, e: Extract<TreeEdit, { op: 'retarget' }>): void {
  const slot = pick(slots(doc).filter((s) => isReference(s, doc) && typeof get(s) === 'string'), e.at);
  if (slot) set(slot, e.name);
}

/** Puts another word of the vocabulary in place of one of the file's strings. */
function swapWord(doc: Doc, e: Extract<TreeEdit, { op: 'swap-word' }>): void {
  const slot = pick(slots(doc).filter((s) => typeof get(s) === 'string'), e.at);
  if (slot) set(slot, e.word);
}

/** Adds an unknown key to an object, or renames one of its keys (an expectation's TDI, a step's `vm`). */
function editKey(doc: Doc, e: Extract<TreeEdit, { op: 'add-key' | 'rename-key' }>): void {
  const objects = containers(doc).filter((c): c is Doc => !Array.isArray(c));
  const target = pick(objects, e.at);
  if (!target) return;
  if (e.op === 'add-key') return void Object.defineProperty(target, e.key, { value: e.value, enumerable: true, writable: true, configurable: true });
  const old = pick(Object.keys(target), e.at);
  if (old === undefined || old === e.key) return;
  Object.defineProperty(target, e.key, { value: target[old] ?? null, enumerable: true, writable: true, configurable: true });
  delete target[old];
}

/** An edit to the serialised text: what hand-written or truncated files contain. */
export interface TextEdit {
  readonly at: number;
  readonly insert: string;
  /** Characters removed at `at` (a cut when it is large). */
  readonly remove: number;
}

const NOT_JSON = ['NaN', '-NaN', 'Infinity', '-Infinity', 'undefined', '0x1f', '01', '1.', '.5', '+1', "'vm0'", ',', '// x\n', '/* x */', '\ufeff', '"\t"', '"\\x41"', '"\\ud800"', '1e999', '-0', '[', '}', '\u0000'];

export const textEdit: fc.Arbitrary<TextEdit> = fc.record({
  at: fc.nat({ max: 10_000 }),
  insert: fc.oneof(fc.constantFrom(...NOT_JSON), fc.string({ unit: 'binary', maxLength: 4 })),
  remove: fc.oneof(fc.constant(0), fc.nat({ max: 3 }), fc.nat({ max: 100_000 })),
});

export function applyTextEdit(text: string, e: TextEdit): string {
  const i = e.at % (text.length + 1);
  return text.slice(0, i) + e.insert + text.slice(i + e.remove);
}

/** One fuzz case: which example, which arch, the tree edits, and maybe a text edit. */
export interface FuzzCase {
  readonly example: number;
  readonly arch: number;
  readonly edits: readonly TreeEdit[];
  readonly text?: TextEdit;
}

const example = fc.nat({ max: 1_000 });
const arch = fc.nat({ max: 2 });

/**
 * A case: any edits, maybe a text edit (mostly bad input, exit 2); or shape-keeping edits only,
 * so that about one case in eight gets past loading and run on the arch.
 */
export const fuzzCase: fc.Arbitrary<FuzzCase> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ example, arch, edits: fc.array(treeEdit, { minLength: 1, maxLength: 3 }), text: fc.option(textEdit, { freq: 5, nil: undefined }) }, { requiredKeys: ['example', 'arch', 'edits'] }) },
  { weight: 1, arbitrary: fc.record({ example, arch, edits: fc.array(orderEdit, { minLength: 1, maxLength: 3 }) }) },
);

/** The scenario text of `c`, from the examples' parsed JSON. */
export function caseText(examples: readonly Json[], c: FuzzCase): string {
  const doc = structuredClone(pick(examples, c.example) ?? null);
  if (!isContainer(doc) || Array.isArray(doc)) throw new Error('an example is not a JSON object');
  for (const e of c.edits) applyEdit(doc, e);
  let nests = 0;
  const text = JSON.stringify(doc, null, 2).replace(NEST_MARKER, (_, depth: string, brace: string) => (nests++ === 0 ? nestedText(Number(depth), brace) : '1'));
  return c.text ? applyTextEdit(text, c.text) : text;
}
