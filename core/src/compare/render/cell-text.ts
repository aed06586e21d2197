import type { TdiAfter } from '../../lifecycle/tdi-after.js';
import type { Cell, StepRow } from '../comparison.js';

/** The TDI state after a step in a few words: TDISP state, private ranges, hypervisor mappings. */
export const afterText = (a: TdiAfter | null): string => (a ? `${a.tdisp} priv=${a.privateMmio}${a.hypervisorMmio ? ' +hv' : ''}` : '');

/** A cell's head line: who initiated the step and its result. */
export const headText = (c: Cell): string => `${c.initiator} ${c.result}`;

/** A cell as lines of text: head, state, then each vendor call with its result. */
export function cellLines(c: Cell | null, moved: boolean): string[] {
  if (!c) return [moved ? '(moved)' : '(not run)'];
  const after = afterText(c.after);
  return [headText(c), ...(after ? [after] : []), ...c.calls.map((x) => `${x.op} ${x.result}`)];
}

/** A row every arch did alike, in one line. */
export const sameText = (row: StepRow): string => {
  const c = row.cells[0] as Cell;
  return `= ${[headText(c), afterText(c.after)].filter(Boolean).join(', ')}`;
};
