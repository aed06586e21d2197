import type { TraceEntry } from '../trace/tracer.js';

/**
 * A stretch of the trace: `entries` happened `times` times in a row (times 1: once). A relayed
 * SPDM or DOE exchange repeats one firmware call and one device exchange per message (a CCA
 * RMI_PDEV_COMMUNICATE, an SEV-TIO TIO_DEV_CONNECT resumed with the reply): six KEY_PROGs are
 * twelve identical lines, which readers want once with their count.
 */
export interface TraceBlock {
  readonly entries: readonly TraceEntry[];
  readonly times: number;
}

/** The longest repeated group folded: a relay is a firmware call and what it carries. */
const MAX_PERIOD = 4;

/** An entry without its sequence number: two entries with the same key did the same thing. */
const key = ({ seq: _seq, ...rest }: TraceEntry): string => JSON.stringify(rest);

/** How many times `keys[i, i+p)` occurs in a row from `i`. */
function repeats(keys: readonly string[], i: number, p: number): number {
  let times = 1;
  while (i + (times + 1) * p <= keys.length && keys.slice(i + times * p, i + (times + 1) * p).every((k, j) => k === keys[i + j])) times++;
  return times;
}

/** The trace in blocks, each relay (a group that reaches the device) repeated in a row folded into one. */
export function foldRelays(trace: readonly TraceEntry[]): TraceBlock[] {
  const keys = trace.map(key);
  const blocks: TraceBlock[] = [];
  for (let i = 0; i < trace.length; ) {
    const p = [...Array(MAX_PERIOD).keys()].map((n) => n + 1).find((n) => trace.slice(i, i + n).some((e) => e.actor === 'device') && repeats(keys, i, n) > 1);
    const times = p === undefined ? 1 : repeats(keys, i, p);
    const entries = trace.slice(i, i + (p ?? 1));
    blocks.push({ entries, times });
    i += entries.length * times;
  }
  return blocks;
}
