import type picocolors from 'picocolors';

/** What a renderer needs of the terminal: its width and the colours the CLI's policy allows. */
export interface Terminal {
  readonly width: number;
  readonly colors: ReturnType<typeof picocolors.createColors>;
}

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
