import type { CliIo } from '../../../core/src/cli/io.js';
import { runCli } from '../../../core/src/cli/program.js';

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
  /** stderr split into its non-empty lines. */
  readonly errLines: readonly string[];
}

/** Runs teeio in this process with captured output and no colours; `stdin` is what `-` reads; on a terminal `columns` wide, if given. */
export async function teeio(args: readonly string[], cwd = process.cwd(), terminal: { readonly stdin?: string; readonly columns?: number } = {}): Promise<CliRun> {
  let out = '';
  let err = '';
  const { stdin, columns } = terminal;
  const io: CliIo = { out: (t) => void (out += t), err: (t) => void (err += t), env: { NO_COLOR: '1' }, cwd, ...(stdin === undefined ? {} : { stdin: () => stdin }), ...(columns ? { columns } : {}) };
  const code = await runCli(args, io);
  return { code, out, err, errLines: err.split('\n').filter((l) => l !== '') };
}
