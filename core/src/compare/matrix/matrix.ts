/** The behaviour matrix: per question and arch, an answer derived from a run, and where it came from. */
export interface Matrix {
  readonly archs: readonly string[];
  readonly rows: readonly MatrixRow[];
}

export interface MatrixRow {
  readonly id: string;
  readonly question: string;
  /** Per arch, in the order of `archs`. */
  readonly cells: readonly MatrixCell[];
}

export interface MatrixCell {
  readonly answer: string;
  /** The example scenario whose run produced the answer. */
  readonly scenario: string;
  /** The step (`flow/step`) or event in that run the answer was read from. */
  readonly step: string;
}

/** A row no example's run answers for an arch: the matrix is incomplete, which is an error, not a blank. */
export class MatrixGapError extends Error {
  override readonly name = 'MatrixGapError';
  constructor(
    readonly row: string,
    readonly arch: string,
  ) {
    super(`matrix row ${row} has no answer for ${arch}: no example's run shows it`);
  }
}
