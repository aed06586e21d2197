/** Laying text out within a width: the terminal's, or a table cell's. */

/** Wraps `text` into lines of at most `width` columns, breaking at spaces where it can; keeps its indentation. */
export function wrap(text: string, width: number): string[] {
  const indent = /^ */.exec(text)?.[0] ?? '';
  return indent ? wrapWords(text.slice(indent.length), width - indent.length).map((l) => indent + l) : wrapWords(text, width);
}

function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const candidate = line ? `${line} ${word}` : word;
    if (candidate.length <= width) {
      line = candidate;
      continue;
    }
    if (line) lines.push(line);
    let rest = word;
    while (rest.length > width) {
      lines.push(rest.slice(0, width));
      rest = rest.slice(width);
    }
    line = rest;
  }
  if (line || lines.length === 0) lines.push(line);
  return lines;
}

/** A run of words painted alike (a colour, or none): colour codes take no columns. */
export interface Span {
  readonly text: string;
  readonly paint?: (s: string) => string;
}

/**
 * Spans laid out in lines of at most `width` columns: the first line opens with `first`, the
 * others with `rest` (a hanging indent), words separated by one space. Each word is wrapped and
 * painted on its own, so a line break never falls inside a colour code; a word wider than a
 * line is cut, never dropped.
 */
export function wrapSpans(spans: readonly Span[], width: number, first: string, rest: string): string[] {
  const room = Math.max(1, width - rest.length);
  const lines: string[] = [];
  let line = first;
  let used = first.length;
  let empty = true;
  for (const { text, paint = (s: string) => s } of spans) {
    for (const word of text.split(' ').filter((w) => w !== '').flatMap((w) => wrap(w, room))) {
      if (!empty && used + 1 + word.length > width) {
        lines.push(line);
        [line, used, empty] = [rest, rest.length, true];
      }
      line += `${empty ? '' : ' '}${paint(word)}`;
      used += (empty ? 0 : 1) + word.length;
      empty = false;
    }
  }
  lines.push(line);
  return lines;
}
