/**
 * The wire fuzzer (requirement 3), used by fuzz.test.ts: random and mutated buffers per layer
 * (doe, spdm, tdisp, idekm, report and the stacked decode). For every input:
 *  - a decode either succeeds or throws a WireDecodeError (of a known reason, at an offset inside
 *    the buffer); nothing else may escape;
 *  - when it succeeds, re-encoding reproduces the input bytes exactly (for the stack: encoding
 *    again from the innermost message outwards);
 *  - strict mode agrees: it succeeds with the same message when there were no warnings, and
 *    otherwise stops with reason 'reserved' at the first warning.
 *
 * Seeded: WIRE_FUZZ_SEED picks the seed (default below), WIRE_FUZZ_RUNS the count per layer. A
 * failure reports the seed, the layer, the iteration and the input as hex.
 */
import fc from 'fast-check';
import {
  type DecodeReason,
  type Decoded,
  type DecodeOptions,
  type ReservedWarning,
  WireDecodeError,
  decodeDeviceInterfaceReport,
  decodeDoe,
  decodeStack,
  encodeDeviceInterfaceReport,
  encodeDoe,
  idekm,
  pciSigVendorMessage,
  spdm,
  spdmDataObject,
  tdisp,
  toHex,
} from '../../src/wire/index.js';
import * as arb from './arbitraries.js';
import { encodeStack, ref } from './support.js';

export const SEED = Number(process.env['WIRE_FUZZ_SEED'] ?? 0x7ee10);
export const RUNS = Number(process.env['WIRE_FUZZ_RUNS'] ?? 100_000);
const REASONS: ReadonlySet<DecodeReason> = new Set(['truncated', 'overlong', 'version', 'unknown-type', 'length-mismatch', 'reserved', 'invalid-value']);

/** mulberry32: a small seeded generator, so a run is reproducible from its seed. */
function generator(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
  const int = (n: number) => (n <= 0 ? 0 : next() % n);
  const bytes = (n: number) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = next() & 0xff;
    return out;
  };
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T;
  return { next, int, bytes, pick };
}
type Rng = ReturnType<typeof generator>;

/** Values that sit on layout boundaries: lengths, versions, tags, the edges of each width. */
const INTERESTING_U8 = [0x00, 0x01, 0x02, 0x03, 0x04, 0x07, 0x0f, 0x10, 0x11, 0x12, 0x14, 0x20, 0x3f, 0x40, 0x7e, 0x7f, 0x80, 0x81, 0x8b, 0x8c, 0xfe, 0xff];
const INTERESTING_LEN = [0, 1, 2, 3, 4, 15, 16, 17, 0x40, 0xff, 0x100, 0xfff, 0x1000, 0xffff, 0x10000, 0x3ffff, 0x40000, 0x7fffffff, 0xffffffff];

function writeLe(b: Uint8Array, at: number, width: number, v: number): void {
  for (let i = 0; i < width && at + i < b.length; i++) b[at + i] = Math.floor(v / 2 ** (8 * i)) & 0xff;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** One or more mutations of a valid encoding from `corpus`, or a fresh random buffer. */
function mutate(rng: Rng, corpus: readonly Uint8Array[]): Uint8Array {
  const strategy = rng.int(10);
  if (strategy === 0) return rng.bytes(rng.int(4) === 0 ? rng.int(300) : rng.int(48));
  let b: Uint8Array = rng.pick(corpus).slice();
  const rounds = 1 + rng.int(3);
  for (let r = 0; r < rounds; r++) {
    switch (rng.int(9)) {
      case 0: // flip bits
        for (let i = 1 + rng.int(4); i > 0 && b.length > 0; i--) {
          const at = rng.int(b.length);
          b[at] = (b[at] as number) ^ (1 << rng.int(8));
        }
        break;
      case 1: // set bytes to random or boundary values
        for (let i = 1 + rng.int(4); i > 0 && b.length > 0; i--) b[rng.int(b.length)] = rng.int(2) === 0 ? rng.int(256) : rng.pick(INTERESTING_U8);
        break;
      case 2: // truncate
        b = b.slice(0, rng.int(b.length + 1));
        break;
      case 3: // append
        b = concat(b, rng.bytes(1 + rng.int(8)));
        break;
      case 4: {
        // insert a chunk
        const at = rng.int(b.length + 1);
        b = concat(b.subarray(0, at), rng.bytes(1 + rng.int(6)), b.subarray(at));
        break;
      }
      case 5: {
        // delete a chunk
        const at = rng.int(b.length + 1);
        b = concat(b.subarray(0, at), b.subarray(at + 1 + rng.int(6)));
        break;
      }
      case 6: // a length-sized field gets a boundary value (or the bytes left after it, ± 1)
        if (b.length > 0) {
          const at = rng.int(b.length);
          const width = rng.pick([1, 2, 4]);
          const left = b.length - at - width;
          writeLe(b, at, width, rng.int(2) === 0 ? rng.pick(INTERESTING_LEN) : Math.max(0, left + rng.int(3) - 1));
        }
        break;
      case 7: {
        // splice two corpus entries
        const other = rng.pick(corpus);
        b = concat(b.subarray(0, rng.int(b.length + 1)), other.subarray(rng.int(other.length + 1)));
        break;
      }
      default: // keep: the valid encoding itself, through any later fix-ups
        break;
    }
  }
  return b;
}

/** Rewrites a DOE object's length DW to fit the buffer (zero-padded to a whole DW), so the mutation reaches the SPDM layer. */
function fixDoe(b: Uint8Array): Uint8Array {
  if (b.length < 8) return b;
  const out = new Uint8Array(Math.ceil(b.length / 4) * 4);
  out.set(b);
  writeLe(out, 4, 4, (out.length / 4) | (((b[7] ?? 0) & 0xfc) << 24));
  return out;
}

/** Rewrites a small-layout vendor-defined message's payload_length to fit, so the mutation reaches TDISP / IDE_KM. */
function fixVdm(b: Uint8Array, start = 0): Uint8Array {
  const vidLen = b[start + 6];
  if (vidLen === undefined) return b;
  const at = start + 7 + vidLen;
  if (at + 2 > b.length) return b;
  const out = b.slice();
  writeLe(out, at, 2, out.length - at - 2);
  return out;
}

export interface FuzzLayer {
  readonly name: string;
  readonly corpus: () => Uint8Array[];
  /** Structure-aware repair applied to some inputs, so mutations get past the outer length checks. */
  readonly fixup?: (b: Uint8Array, rng: Rng) => Uint8Array;
  readonly decode: (b: Uint8Array, o?: DecodeOptions) => Decoded<unknown>;
  readonly encode: (m: never) => Uint8Array;
}

const sample = <T>(a: fc.Arbitrary<T>, n: number, salt: number) => fc.sample(a, { seed: (SEED ^ salt) | 0, numRuns: n });

/** The reference's and fixtures' byte sequences join each corpus. */
const FIXTURE_TDISP = [
  '10810000efbe00000000000000000000',
  '10010000efbe000000000000000000000110',
  '10020000efbe0000000000000000000000000000fe0000000000000000000000000000000700000000300000',
  '10830000efbe0000000000000000000007000000000000d0000000000000000000000000',
  '10040000efbe0000000000000000000024000000000002000000000008000000080004001000000074646973705f6465765f656d75000000',
  '107f0000efbe000000000000000000000400000000000000',
].map((h) => ref(h));
const LIBSPDM_SEED = ref('01 00 01 00 05 00 00 00 10 04 00 00 00 02 00 10 00 11 00 00');

const stackDecode = (b: Uint8Array, o?: DecodeOptions): Decoded<unknown> => {
  const s = decodeStack(b, 'doe', o);
  return { message: s, warnings: s.warnings };
};

export const FUZZ_LAYERS: FuzzLayer[] = [
  {
    name: 'doe',
    corpus: () => [...sample(arb.doeDataObject, 300, 1).map(encodeDoe), LIBSPDM_SEED],
    fixup: fixDoe,
    decode: decodeDoe,
    encode: encodeDoe as never,
  },
  {
    name: 'spdm',
    corpus: () => [
      ...sample(arb.spdmMessage, 300, 2).map((m) => spdm.encode(m)),
      ...sample(arb.stack, 200, 3).map((s) => spdm.encode(s.spdm)),
      ...FIXTURE_TDISP.map((t) => spdm.encode(pciSigVendorMessage('VENDOR_DEFINED_REQUEST', 'TDISP', t))),
    ],
    fixup: (b) => fixVdm(b),
    decode: (b, o) => spdm.decode(b, o),
    encode: ((m: never) => spdm.encode(m)) as never,
  },
  {
    name: 'tdisp',
    corpus: () => [...sample(arb.tdispMessage, 400, 4).map((m) => tdisp.encode(m)), ...FIXTURE_TDISP],
    decode: (b, o) => tdisp.decode(b, o),
    encode: ((m: never) => tdisp.encode(m)) as never,
  },
  {
    name: 'idekm',
    corpus: () => sample(arb.idekmMessage, 300, 5).map((m) => idekm.encode(m)),
    decode: (b, o) => idekm.decode(b, o),
    encode: ((m: never) => idekm.encode(m)) as never,
  },
  {
    name: 'report',
    corpus: () => [
      ...sample(arb.deviceInterfaceReport, 300, 6).map(encodeDeviceInterfaceReport),
      ref('0300000000000000000000000400000000000000000000000100000004000100008000000000000004000000080002000000010000000000080000000800030000000200000000000800000008000400100000007464697370' + '5f6465765f656d75000000'),
    ],
    decode: decodeDeviceInterfaceReport,
    encode: encodeDeviceInterfaceReport as never,
  },
  {
    name: 'stack (DOE → SPDM → TDISP / IDE_KM)',
    corpus: () => [
      ...sample(arb.stack, 400, 7).map((s) => s.bytes),
      ...FIXTURE_TDISP.map((t) => encodeDoe(spdmDataObject(spdm.encode(pciSigVendorMessage('VENDOR_DEFINED_RESPONSE', 'TDISP', t))))),
      LIBSPDM_SEED,
    ],
    fixup: (b, rng) => fixDoe(rng.int(2) === 0 ? fixVdm(b, 8) : b),
    decode: stackDecode,
    encode: encodeStack as never,
  },
];

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameWarning(e: WireDecodeError, w: ReservedWarning): boolean {
  return e.reason === 'reserved' && e.layer === w.layer && e.offset === w.offset && e.field === w.field;
}

/**
 * Checks one input; returns the outcome for the statistics, or a description of the violation.
 * `strictOnError`: also check that strict decoding rejects what lenient decoding rejected (an
 * error costs several times a success, so the loop does this for a sample of inputs).
 */
export function checkOne(l: FuzzLayer, input: Uint8Array, strictOnError = true): { outcome: string } | { violation: string } {
  let lenient: Decoded<unknown>;
  try {
    lenient = l.decode(input);
  } catch (e) {
    if (!(e instanceof WireDecodeError)) return { violation: `threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}` };
    if (!REASONS.has(e.reason) || !Number.isInteger(e.offset) || e.offset < 0 || e.offset > input.length || e.field === '')
      return { violation: `malformed WireDecodeError: ${e.message}` };
    if (!strictOnError) return { outcome: e.reason };
    try {
      l.decode(input, { strict: true });
      return { violation: `strict decode succeeded where lenient failed with ${e.message}` };
    } catch (s) {
      if (!(s instanceof WireDecodeError)) return { violation: `strict decode threw ${String(s)}` };
    }
    return { outcome: e.reason };
  }
  let again: Uint8Array;
  try {
    again = l.encode(lenient.message as never);
  } catch (e) {
    return { violation: `decoded, but re-encoding threw ${String(e)}` };
  }
  if (!sameBytes(again, input)) return { violation: `decoded, but re-encoded to ${toHex(again)}` };
  if (lenient.warnings.some((w) => w.offset < 0 || w.offset >= input.length)) return { violation: 'a warning points outside the buffer' };
  const [first] = lenient.warnings;
  try {
    const strict = l.decode(input, { strict: true });
    if (first) return { violation: `strict decode accepted a reserved field (${first.field} at ${first.offset})` };
    if (!sameBytes(l.encode(strict.message as never), input)) return { violation: 'strict decode gave another message than lenient decode' };
  } catch (e) {
    if (!(e instanceof WireDecodeError)) return { violation: `strict decode threw ${String(e)}` };
    if (!first || !sameWarning(e, first)) return { violation: `strict decode failed with ${e.message}; first warning ${JSON.stringify(first)}` };
  }
  return { outcome: first ? 'ok (reserved flagged)' : 'ok' };
}

export interface FuzzResult {
  /** Outcome → count: 'ok', 'ok (reserved flagged)' or a WireDecodeError reason. */
  readonly stats: Map<string, number>;
  readonly ms: number;
  /** The first violation, with the seed, iteration and input to reproduce it. */
  readonly failure?: string;
}

/**
 * The corpus with its reserved-clean entries repeated to make up about half of it: the
 * arbitraries set each reserved field half the time, so clean messages (the ones strict mode
 * accepts) would otherwise be rare.
 */
function balanced(corpus: Uint8Array[], l: FuzzLayer): Uint8Array[] {
  const clean = corpus.filter((b) => {
    try {
      return l.decode(b).warnings.length === 0;
    } catch {
      return false;
    }
  });
  const extra = clean.length === 0 ? [] : Array.from({ length: Math.max(0, corpus.length - 2 * clean.length) }, (_, i) => clean[i % clean.length] as Uint8Array);
  return [...corpus, ...extra];
}

/** Runs `runs` inputs against layer `index` of FUZZ_LAYERS with `seed`. */
export function runFuzz(index: number, runs = RUNS, seed = SEED): FuzzResult {
  const l = FUZZ_LAYERS[index] as FuzzLayer;
  const rng = generator(seed + 0x9e3779b9 * (index + 1));
  const corpus = balanced(l.corpus(), l);
  const stats = new Map<string, number>();
  const started = performance.now();
  // Most inputs are rejected: skip capturing a stack trace for each WireDecodeError (and for
  // each re-wrap on the way out of nested layers); only the error's fields are checked.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  let failure: string | undefined;
  try {
    for (let i = 0; i < runs && failure === undefined; i++) {
      let input = mutate(rng, corpus);
      if (l.fixup && rng.int(2) === 0) input = l.fixup(input, rng);
      const r = checkOne(l, input, i % 8 === 0);
      if ('violation' in r) failure = `wire fuzz [${l.name}] WIRE_FUZZ_SEED=${seed} iteration ${i}: ${r.violation}\n  input (${input.length} bytes): ${toHex(input)}`;
      else stats.set(r.outcome, (stats.get(r.outcome) ?? 0) + 1);
    }
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  return { stats, ms: Math.round(performance.now() - started), ...(failure === undefined ? {} : { failure }) };
}
