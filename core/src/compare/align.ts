/**
 * Aligns several sequences of keys into rows, like a multiple sequence alignment built
 * progressively: each sequence is merged into the rows so far along a longest common
 * subsequence, so a key that keeps its relative place shares a row and a key one sequence
 * has elsewhere gets a row of its own (a gap on the others) instead of misaligning the rest.
 * Row `r` holds, per sequence, the index of its element there, or -1.
 */
export function align(sequences: readonly (readonly string[])[]): { key: string; at: number[] }[] {
  let rows: { key: string; at: number[] }[] = [];
  sequences.forEach((seq, s) => {
    const keys = rows.map((r) => r.key);
    const pairs = lcs(keys, seq);
    const merged: { key: string; at: number[] }[] = [];
    let i = 0;
    let j = 0;
    const gap = (): number[] => new Array<number>(s + 1).fill(-1);
    const takeRow = (n: number): void => {
      for (; i < n; i++) merged.push({ key: keys[i] as string, at: [...(rows[i] as { at: number[] }).at, -1] });
    };
    const takeSeq = (n: number): void => {
      for (; j < n; j++) merged.push({ key: seq[j] as string, at: gap().map((x, k) => (k === s ? j : x)) });
    };
    for (const [a, b] of pairs) {
      takeRow(a);
      takeSeq(b);
      merged.push({ key: keys[a] as string, at: [...(rows[a] as { at: number[] }).at, b] });
      i = a + 1;
      j = b + 1;
    }
    takeRow(keys.length);
    takeSeq(seq.length);
    rows = merged;
  });
  return rows;
}

/** Index pairs of one longest common subsequence of `a` and `b`, in order. */
function lcs(a: readonly string[], b: readonly string[]): [number, number][] {
  const n = a.length;
  const m = b.length;
  const len: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      const row = len[i] as number[];
      const below = len[i + 1] as number[];
      row[j] = a[i] === b[j] ? (below[j + 1] as number) + 1 : Math.max(below[j] as number, row[j + 1] as number);
    }
  }
  const pairs: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      pairs.push([i++, j++]);
    } else if ((len[i + 1] as number[])[j] as number >= ((len[i] as number[])[j + 1] as number)) {
      i++;
    } else {
      j++;
    }
  }
  return pairs;
}
