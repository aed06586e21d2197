// `npm run mutants`: the conformance kit against every mutant of the built-in and reference
// plugins; prints which check caught each, exits 1 if any survived.
import 'reflect-metadata';
import { MUTANTS } from './catalogue.js';
import { type Verdict, kill } from './kill.js';

const width = Math.min(process.stdout.columns || 100, 100);
const cut = (text: string, n: number) => (text.length > n ? `${text.slice(0, n - 1)}…` : text);

function row(v: Verdict): string {
  const id = v.mutant.id.padEnd(48);
  if (v.caughtBy.length === 0) return `${id} SURVIVED`;
  return cut(`${id} caught by ${v.caughtBy.join(', ')}`, width);
}

const verdicts: Verdict[] = [];
for (const m of MUTANTS) {
  const v = await kill(m);
  verdicts.push(v);
  process.stdout.write(`${row(v)}\n`);
}
const survived = verdicts.filter((v) => v.caughtBy.length === 0);
process.stdout.write(`\n${verdicts.length - survived.length} of ${verdicts.length} mutants caught\n`);
process.exitCode = survived.length === 0 ? 0 : 1;
