// Benchmarks (not tests): `npm run bench` runs them on the compiled packages and rewrites
// bench/RESULTS.md with the machine, each baseline measured in the same run, and the ratios.
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { codecBenchmarks, codecTable } from './codec.bench.js';
import { machine } from './harness.js';

const codec = await codecBenchmarks();
const text = `# Benchmark results

Recorded by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}.
Machine: ${machine()}.
Each row's baseline ran in the same process, right beside it.

## Wire codec (issue 2; target: decoding a LOCK_INTERFACE_REQUEST and a 4-range report each ≥ 1,000,000/s on one core)

${codecTable(codec)}
`;
writeFileSync(new URL('./RESULTS.md', import.meta.url), text);
process.stdout.write(text);
