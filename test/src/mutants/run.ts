// `npm run mutants`: the conformance kit against every mutant of the built-in and reference
// plugins; prints which check caught each, exits 1 if any survived.
import 'reflect-metadata';
import { wrap } from '../../../core/src/compare/render/terminal.js';
import { MUTANTS } from './catalogue.js';
import { type Verdict, kill } from './kill.js';

const width = Math.min(process.stdout.columns || 100, 100);
const ID_WIDTH = 46;

/** The mutant's id, then what caught it, wrapped under itself within the terminal's width. */
function row(v: Verdict): string {
  const verdict = v.caughtBy.length === 0 ? 'SURVIVED' : `caught by ${v.caughtBy.join(', ')}`;
  const [first = '', ...more] = wrap(verdict, width - ID_WIDTH - 1);
  return [`${v.mutant.id.padEnd(ID_WIDTH)} ${first}`, ...more.map((l) => `${' '.repeat(ID_WIDTH)} ${l}`)].join('\n');
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
