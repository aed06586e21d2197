/**
 * Where a module failed to load, as `file:line:col: message` lines. A TypeScript plugin goes
 * through tsx, whose esbuild transform keeps parsing after most errors and throws them all at
 * once: "Transform failed with 3 errors:" then a `file:line:col: ERROR: text` line per error.
 * Only that text crosses from tsx's loader thread (esbuild's structured `errors` do not), so
 * it is read from the message.
 */

/** One of esbuild's error lines; esbuild counts columns from 0. */
const ESBUILD_ERROR = /^(.+):(\d+):(\d+): ERROR: (.*)$/;

/** esbuild's line with the column counted from 1, as editors and compilers' `file:line:col` do. */
function esbuildError(line: string): string | undefined {
  const m = ESBUILD_ERROR.exec(line);
  return m ? `${m[1]}:${m[2]}:${Number(m[3]) + 1}: ${m[4]}` : undefined;
}

const defined = (l: string | undefined): l is string => l !== undefined;

/** Every error the loader reported, one line each; empty when it gave no more than its message. */
export function loaderErrors(e: unknown): string[] {
  if (!(e instanceof Error)) return [];
  return e.message.split('\n').slice(1).map(esbuildError).filter(defined);
}
