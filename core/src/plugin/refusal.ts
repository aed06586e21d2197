/**
 * Why the host refused a plugin. Stable codes: tests, `--format json` and scripts match on
 * them, so rename none; the human-readable detail lives in the message.
 */
export const REFUSAL_REASONS = [
  'module-not-found',
  'duplicate-dependency',
  'commonjs-package',
  'tsx-missing',
  'no-experimental-decorators',
  'import-failed',
  'no-declaration',
  'no-register',
  'declaration-threw',
  'invalid-declaration',
  'core-api-mismatch',
  'missing-port',
  'register-threw',
  'register-async',
  'construction-threw',
  'missing-port-method',
  'duplicate-arch',
  'unmet-dependency',
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

/**
 * A plugin the host will not run, and why: one line naming the specifier as the user gave it
 * and the problem. An Error, so the per-run registration can throw it too. `cause` is what the
 * plugin's code threw, whose stack `TEEIO_DEBUG=1` shows the plugin's author; `errors` are the
 * located errors a loader reported beyond its first line (`file:line:col: message`, one each).
 */
export class PluginRefusal extends Error {
  override readonly name = 'PluginRefusal';
  constructor(
    readonly specifier: string,
    readonly reason: RefusalReason,
    readonly problem: string,
    cause?: unknown,
    readonly errors: readonly string[] = [],
  ) {
    super(`plugin ${specifier}: ${problem}`, cause === undefined ? undefined : { cause });
  }
}

/** The first line of what a plugin threw: messages stay one line, whatever the plugin wrote. */
export function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n', 1)[0] ?? '';
}
