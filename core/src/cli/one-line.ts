const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * A message as one line of plain text. A scenario's keys and values reach error messages as the
 * file spells them, and a hostile file may spell a newline, an escape sequence that drives the
 * terminal, or a Unicode line separator: each is shown escaped, as JSON would write it.
 */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
