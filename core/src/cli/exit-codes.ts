/** Process exit codes of every teeio command. */
export const ExitCode = {
  /** Everything asked for was done and every check held. */
  OK: 0,
  /** The run completed but a check failed: an expectation, an invariant, a validator rule. */
  FAILED: 1,
  /** Bad input: flags, files, JSON, hex, scenarios, plugins, an unreachable peer. */
  BAD_INPUT: 2,
  /** A bug in teeio itself (EX_SOFTWARE). */
  INTERNAL: 70,
  /** The output could not be written: a full disk, an I/O error (EX_IOERR); a closed pipe is not one. */
  IO_ERROR: 74,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * An error meant for the user: one line that names what is wrong and where, and the exit code
 * it maps to. Commands throw it; the CLI prints its message, and the stack of its `cause` (what
 * a plugin threw) only with TEEIO_DEBUG=1.
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.BAD_INPUT,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
  }
}
