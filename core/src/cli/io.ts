import { ExitCode } from './exit-codes.js';

/** Where a command writes, and what it may read of its environment; tests pass their own. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Whether stdout is a terminal; absent means a pipe or file (no colour unless forced). */
  readonly stdoutIsTTY?: boolean;
  /** Whether stderr is a terminal: progress lines are drawn only there. */
  readonly stderrIsTTY?: boolean;
  /** `--color` (true) or `--no-color` (false) from the command line; absent: the environment decides. */
  readonly color?: boolean;
  /** Standard input, for `-` arguments; absent: the process's (file descriptor 0). */
  readonly stdin?: () => string;
  /** The terminal's width in columns; absent when stdout is not a terminal. */
  readonly columns?: number;
}

/**
 * Writes to stdout; a write that fails ends the output, as in coreutils. EPIPE means the reader
 * has gone (`| head -1`): silent, and the command keeps its own exit code. Any other errno (a full
 * disk, EIO) is one line and EX_IOERR, set at exit because the command may return its code first.
 */
function stdoutWriter(): (text: string) => void {
  let failed = false;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (failed) return;
    failed = true;
    if (e.code === 'EPIPE') return;
    process.stderr.write(`teeio: cannot write output: ${e.code ?? e.message}\n`);
    process.once('exit', () => (process.exitCode = ExitCode.IO_ERROR));
  });
  // A failing stderr leaves nowhere to report anything; it must not crash the command either.
  process.stderr.on('error', () => undefined);
  return (text) => void (failed || process.stdout.write(text));
}

/** With TEEIO_DEBUG=1, the stack of what a plugin threw, under the one line that reported it. */
export function writeDebugCause(cause: unknown, io: CliIo): void {
  if (io.env['TEEIO_DEBUG'] && cause instanceof Error) io.err(`${cause.stack ?? cause.message}\n`);
}

export function processIo(): CliIo {
  return {
    out: stdoutWriter(),
    err: (t) => void process.stderr.write(t),
    env: process.env,
    cwd: process.cwd(),
    stdoutIsTTY: process.stdout.isTTY === true,
    ...(process.stdout.isTTY ? { columns: process.stdout.columns } : {}),
    stderrIsTTY: process.stderr.isTTY === true,
  };
}
