// Benchmarks (not tests): `npm run bench` runs them on the compiled packages and rewrites
// bench/RESULTS.md with the machine, each baseline measured in the same run, and the ratios.
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { codecBenchmarks, codecTable } from './codec.bench.js';
import { machine } from './harness.js';
import { lifecycleBenchmarks, lifecycleTable } from './lifecycle.bench.js';
import { startupBenchmark, startupTable } from './startup.bench.js';
import { spinBenchmark, spinTable } from './spin.bench.js';

const codec = await codecBenchmarks();
const lifecycle = await lifecycleBenchmarks();
const startup = startupBenchmark();
const spin = spinBenchmark();
const text = `# Benchmark results

Recorded by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}.
Machine: ${machine()}.
Each row's baseline ran in the same process (or, for start-up, the same session), right beside it.

## Wire codec (issue 2; target: decoding a LOCK_INTERFACE_REQUEST and a 4-range report each ≥ 1,000,000/s on one core)

${codecTable(codec)}

## Lifecycles (issue 3; targets: ≥ 5,000 lifecycles/s with invariants on; checking costs ≤ 2×)

A lifecycle is \`examples/lifecycle.json\` on the reference plugin: a fresh world, connect (IDE key
programming over IDE_KM), vPCI creation, bind (LOCK, report in portions), guest attestation and
acceptance, START, device use, unbind, VM destroy and disconnect, every device exchange encoded and
decoded through DOE, SPDM and TDISP or IDE_KM, expectations evaluated; the final state hash skipped.

${lifecycleTable(lifecycle)}

## Start-up (issue 3; target: \`teeio run\` ≤ 4× \`node -e 0\`)

${startupTable(startup)}

## teeio's explorer vs SPIN on the same TDISP model (issue 14; target: teeio ≥ 1/10 of SPIN's states/s)

\`bench/spin/tdisp.pml\` under SPIN 6.5.2 (\`-DNOREDUCE\`, full state storage; pan's run time,
compilation excluded, so small models are mostly process start-up) and \`TdispSpinModel\` over the
simulated device (every request encoded, answered and decoded as bytes). B/state: pan's figure for
stored states; teeio's peak heap growth over its states.

${spinTable(spin)}
`;
writeFileSync(new URL('./RESULTS.md', import.meta.url), text);
process.stdout.write(text);
