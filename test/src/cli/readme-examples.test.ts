/**
 * Every `$ npx teeio …` example in README.md that shows its output prints exactly that output
 * today, so the README cannot drift from the command again (its decode example once showed a
 * compacted JSON shape decode never printed).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { teeio } from './in-memory.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

interface Example {
  readonly args: readonly string[];
  readonly output: string;
}

/** The `$ npx teeio` lines of the README's sh blocks, each with the lines shown under it. */
function examples(readme: string): Example[] {
  const blocks = [...readme.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1] as string);
  return blocks.flatMap((block) =>
    block
      .split(/^(?=\$ )/m)
      .filter((part) => part.startsWith('$ npx teeio '))
      .map((part) => {
        const [command = '', ...output] = part.trimEnd().split('\n');
        return { args: command.slice('$ npx teeio '.length).split(/\s+/), output: output.join('\n') };
      }),
  );
}

const shown = examples(readFileSync(`${ROOT}README.md`, 'utf8')).filter((e) => e.output !== '');

describe('README examples', () => {
  it('the README shows at least the decode example with its output', () => {
    expect(shown.map((e) => e.args.slice(0, 2).join(' '))).toContain('tdisp decode');
  });

  it.each(shown.map((e) => [e.args.join(' '), e] as const))('teeio %s prints what the README shows', async (_, e) => {
    const r = await teeio(e.args, ROOT);
    expect(r.code).toBe(0);
    expect(r.out.trimEnd()).toBe(e.output);
  }, 30_000);
});
