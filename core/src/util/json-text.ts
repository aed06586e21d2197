/**
 * JSON text whose parse errors name a line and column on one line. V8's own messages quote the
 * text (newlines included) and often give no position; people fix files by line and column.
 */
export class JsonTextError extends Error {
  override readonly name = 'JsonTextError';
  constructor(
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(`${line}:${column}: ${reason}`);
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
// RFC 8259 §7: U+0000..U+001F must be escaped inside a string, so the class names them.
// eslint-disable-next-line no-control-regex
const STRING = /"(?:[^"\\\u0000-\u001f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"/y;
const LITERAL = /true|false|null/y;
const SPACE = /[ \t\n\r]*/y;

type Expect = 'value' | 'valueOrEnd' | 'key' | 'keyOrEnd' | 'colon' | 'after';

function skip(re: RegExp, text: string, at: number): number {
  re.lastIndex = at;
  return re.exec(text) ? re.lastIndex : -1;
}

/** One step of the scanner: where it goes next and what it expects there, or -1 on an error. */
function step(text: string, at: number, expect: Expect, stack: string[]): [number, Expect] {
  const c = text[at];
  switch (expect) {
    case 'valueOrEnd':
    case 'keyOrEnd':
      if (c === (expect === 'valueOrEnd' ? ']' : '}')) return (stack.pop(), [at + 1, 'after']);
      return [at, expect === 'valueOrEnd' ? 'value' : 'key'];
    case 'key':
      return [c === '"' ? skip(STRING, text, at) : -1, 'colon'];
    case 'colon':
      return [c === ':' ? at + 1 : -1, 'value'];
    case 'value':
      if (c === '{' || c === '[') return (stack.push(c), [at + 1, c === '{' ? 'keyOrEnd' : 'valueOrEnd']);
      if (c === '"') return [skip(STRING, text, at), 'after'];
      return [skip(c === '-' || (c !== undefined && c >= '0' && c <= '9') ? NUMBER : LITERAL, text, at), 'after'];
    case 'after': {
      const top = stack.at(-1);
      if (top === undefined) return [-1, 'after'];
      if (c === ',') return [at + 1, top === '{' ? 'key' : 'value'];
      if (c === (top === '{' ? '}' : ']')) return (stack.pop(), [at + 1, 'after']);
      return [-1, 'after'];
    }
  }
}

/** The offset of the first character that makes `text` not JSON (text.length: it ends early). */
function firstError(text: string): number {
  const stack: string[] = [];
  let at = skip(SPACE, text, 0);
  let expect: Expect = 'value';
  while (!(expect === 'after' && stack.length === 0 && at === text.length)) {
    if (at >= text.length) return text.length;
    const [next, then] = step(text, at, expect, stack);
    if (next < 0) return at;
    at = skip(SPACE, text, next);
    expect = then;
  }
  return text.length;
}

function located(text: string, offset: number): JsonTextError {
  const lines = text.slice(0, offset).split('\n');
  const reason = offset >= text.length
    ? 'unexpected end of input'
    : `unexpected ${JSON.stringify(String.fromCodePoint(text.codePointAt(offset) ?? 0))}`;
  return new JsonTextError(lines.length, (lines.at(-1)?.length ?? 0) + 1, reason);
}

/** JSON.parse, throwing JsonTextError (line, column, one-line reason) for text that is not JSON. */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw located(text, firstError(text));
  }
}
