import type { TdiAfter } from '../../lifecycle/tdi-after.js';
import type { Cell, StepRow } from '../comparison.js';

/** The TDI state after a step in a few words: TDISP state, private ranges, hypervisor mappings. */
export const afterText = (a: TdiAfter | null): string => (a ? `${a.tdisp} priv=${a.privateMmio}${a.hypervisorMmio ? ' +hv' : ''}` : '');

/** A cell's head line: who initiated the step and its result. */
export const headText = (c: Cell): string => `${c.initiator} ${c.result}`;

/** Vendor calls as lines, a run of the same call with the same result as one line with its count (a relayed SPDM exchange repeats one call). */
function callLines(c: Cell): string[] {
  const lines: { text: string; n: number }[] = [];
  for (const x of c.calls) {
    const text = `${x.op} ${x.result}`;
    const last = lines[lines.length - 1];
    if (last?.text === text) last.n++;
    else lines.push({ text, n: 1 });
  }
  return lines.map((l) => (l.n > 1 ? `${l.text} x${l.n}` : l.text));
}

/** A cell as lines of text: head, state, then each vendor call with its result. */
export function cellLines(c: Cell | null, moved: boolean): string[] {
  if (!c) return [moved ? '(moved)' : '(not run)'];
  const after = afterText(c.after);
  return [headText(c), ...(after ? [after] : []), ...callLines(c)];
}

/** A row every arch did alike, in one line. */
export const sameText = (row: StepRow): string => {
  const c = row.cells[0] as Cell;
  return `= ${[headText(c), afterText(c.after)].filter(Boolean).join(', ')}`;
};
