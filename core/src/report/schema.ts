import { FAULT_KINDS } from '../faults/fault-plan.js';
import { ACTORS } from '../trace/actor.js';

/** The JSON Schema of `teeio run --format json` (`teeio schema run`); each `jsonl` line is one of its `reports`. */
const str = { type: 'string' } as const;
const bool = { type: 'boolean' } as const;
const strings = { type: 'object', additionalProperties: str } as const;
const actor = { enum: ACTORS } as const;

const object = (required: readonly string[], properties: Record<string, unknown>) => ({ type: 'object', additionalProperties: false, required, properties }) as const;

const TRACE_ENTRY = object(['seq', 'actor', 'op', 'result'], {
  seq: { type: 'integer', minimum: 1 },
  caller: actor,
  actor,
  op: str,
  args: strings,
  result: str,
  step: str,
  fatal: { const: true },
  note: str,
});

const VIOLATION = object(['invariant', 'number', 'step', 'message', 'objects', 'traceLength'], {
  invariant: str,
  number: { type: 'integer', minimum: 1 },
  step: str,
  message: str,
  objects: { type: 'array', items: str },
  traceLength: { type: 'integer', minimum: 0 },
});

const EXPECTATION = object(['what', 'expected', 'actual', 'ok'], { what: str, expected: str, actual: str, ok: bool });

const FLOW = object(['flow', 'ok'], { flow: str, ok: bool, failedStep: str, code: str, unwoundWith: str });

const AFTER = object(['tdisp', 'privateMmio', 'hypervisorMmio'], { tdisp: str, privateMmio: { type: 'integer', minimum: 0 }, hypervisorMmio: bool });

const STEP = object(['step', 'actor', 'target', 'result', 'unwinding'], {
  flow: str,
  step: str,
  caller: actor,
  actor,
  target: object([], { tdi: str, vm: str, dsm: str, reset: str }),
  result: str,
  unwinding: bool,
  after: AFTER,
});

const count = { type: 'integer', minimum: 0 } as const;

/** How many calls of each kind the run made (the fail_nth positions) and which injected faults fired. */
const FAULTS = object(['counts', 'fired'], {
  counts: object([...FAULT_KINDS], Object.fromEntries(FAULT_KINDS.map((k) => [k, count]))),
  fired: { type: 'array', items: str },
});

export const RUN_REPORT_SCHEMA = object(['arch', 'plugin', 'firmware', 'scenario', 'seed', 'outcome', 'trace', 'violations', 'expectations', 'flows', 'steps', 'faults'], {
  arch: str,
  plugin: str,
  firmware: str,
  scenario: str,
  seed: str,
  outcome: { enum: ['pass', 'fail'] },
  trace: { type: 'array', items: TRACE_ENTRY },
  violations: { type: 'array', items: VIOLATION },
  expectations: { type: 'array', items: EXPECTATION },
  flows: { type: 'array', items: FLOW },
  steps: { type: 'array', items: STEP },
  faults: FAULTS,
  stateHash: str,
});

export const RUN_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://teeio.dev/schema/run.json',
  title: 'teeio run --format json: a scenario run on each selected plugin',
  ...object(['scenario', 'reports'], { scenario: str, reports: { type: 'array', items: RUN_REPORT_SCHEMA } }),
} as const;
