/**
 * TAP version 13 as the kernel's selftests print it (KTAP's flat form): the version line, the
 * plan, one `ok N description` / `not ok N description` per test point, an optional directive
 * after ` # `, and diagnostics as `# ` lines under their point.
 */

/** One test point: `directive` is the text after ` # ` (`SKIP reason`, `TODO reason`, or a note). */
export interface TapPoint {
  readonly ok: boolean;
  readonly description: string;
  readonly directive?: string;
  readonly diagnostics?: readonly string[];
}

/** One line of free text: TAP is line-based, so a newline would start a line TAP misreads. */
const oneLine = (text: string): string => text.replace(/\s*\n\s*/g, ' ');

/**
 * TAP 13: a `#` in a description starts the directive unless escaped as `\#` (so `\` is escaped
 * too), and a description starting with a digit would read as the test number, hence the `- `.
 */
function description(text: string): string {
  const escaped = oneLine(text).replace(/\\/g, '\\\\').replace(/#/g, '\\#');
  return /^\d/.test(escaped) ? `- ${escaped}` : escaped;
}

function pointLines(p: TapPoint, n: number): string[] {
  const directive = p.directive === undefined ? '' : ` # ${oneLine(p.directive)}`;
  const head = `${p.ok ? 'ok' : 'not ok'} ${n} ${description(p.description)}${directive}`;
  return [head, ...(p.diagnostics ?? []).map((d) => `# ${oneLine(d)}`)];
}

/** The document: `bailOut` (a run that could not finish) ends it with `Bail out!` and the reason. */
export function toTap(points: readonly TapPoint[], bailOut?: string): string {
  const lines = ['TAP version 13', `1..${points.length}`, ...points.flatMap((p, i) => pointLines(p, i + 1))];
  if (bailOut !== undefined) lines.push(`Bail out! ${oneLine(bailOut)}`);
  return `${lines.join('\n')}\n`;
}
