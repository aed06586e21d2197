// Benchmarks (not tests): `npm run bench` runs them on the compiled packages and rewrites
// bench/RESULTS.md with the machine, each baseline measured in the same run, and the ratios.
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { codecBenchmarks, codecTable } from './codec.bench.js';
import { exploreBenchmark, exploreTable } from './explore.bench.js';
import { machine } from './harness.js';
import { BUILTIN_ARCHES, buildLoadRequest, loadPlugins } from '@teeio/core';
import { REFERENCE, lifecycleBenchmarks, lifecycleTable } from './lifecycle.bench.js';
import { scaleBenchmark, scaleTable } from './scale.bench.js';
import { sizeBenchmarks, sizeTable } from './size.bench.js';
import { startupBenchmark, startupTable } from './startup.bench.js';
import { spinBenchmark, spinTable } from './spin.bench.js';

const machineNow = machine();
const builtIns = await loadPlugins(buildLoadRequest({ arch: [...BUILTIN_ARCHES] }, process.cwd()));
if (builtIns.refused.length > 0) throw new Error(`built-in plugins refused: ${builtIns.refused.map((r) => r.message).join('; ')}`);

const codec = await codecBenchmarks();
const lifecycle = await lifecycleBenchmarks();
const size = sizeBenchmarks(builtIns.loaded);
const scale = scaleBenchmark(REFERENCE);
const startup = startupBenchmark();
const spin = await spinBenchmark();
const canonical = await exploreBenchmark(builtIns.loaded);
const text = `# Benchmark results

Recorded by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}.
Machine: ${machineNow}.
Each row's baseline ran in the same process (or, for start-up, the same session), right beside it.

## Wire codec (issue 2; target: decoding a LOCK_INTERFACE_REQUEST and a 4-range report each ≥ 1,000,000/s on one core)

${codecTable(codec)}

## Lifecycles (issue 3; targets: ≥ 5,000 lifecycles/s with invariants on; checking costs ≤ 2×)

A lifecycle is \`examples/lifecycle.json\` on the reference plugin: a fresh world, connect (IDE key
programming over IDE_KM), vPCI creation, bind (LOCK, report in portions), guest attestation and
acceptance, START, device use, unbind, VM destroy and disconnect, every device exchange encoded and
decoded through DOE, SPDM and TDISP or IDE_KM, expectations evaluated; the final state hash skipped.

${lifecycleTable(lifecycle)}

The machine is a shared virtual machine whose speed swings by up to 2× within minutes with its
neighbours (the codec's DataView baseline above moves with it, and the same build measured 3,300
to 6,300 lifecycles/s with invariants on in one afternoon): compare rows of one run.

## Scenario size (issue 10; targets: load-and-run time linear in the size; 10,000 VMs < 2 s)

Load and run, in one process, of \`examples/lifecycle.json\` made N times larger: with N VMs (the
VF still in vm0), or with a default device of N VFs all assigned (\`"vfs": N\`, the lifecycle
still on the first). Each is what \`teeio run\` does: parse, schema and reference checks, a world
built from scratch, every step with every invariant checked, expectations, the state hash. Median
of 5 runs (3 at N = 10,000), wall and CPU time.

${sizeTable(size)}

## Scale curve (issue 14; target: time and memory per lifecycle no worse than linear in TDIs)

One lifecycle (as above, on VF 0 in vm0) on the reference plugin, on a platform of T TDIs (the
default device's VFs, \`"vfs": T\`, VF n assigned to VM n mod V) and V VMs; the world built from
its prepared template, every invariant on, the state hash skipped. Time: median CPU time of 15
lifecycles (5 from 1,024 TDIs). Memory: heap a live world holds, from the growth of the GC'd heap over 64
worlds (8 from 256 TDIs).

${scaleTable(scale)}

## Start-up (issue 3; target: \`teeio run\` ≤ 4× \`node -e 0\`)

${startupTable(startup)}

## teeio's explorer vs SPIN on the same TDISP model (issue 14; target: teeio ≥ 1/10 of SPIN's states/s)

\`bench/spin/tdisp.pml\` under SPIN 6.5.2 (\`-DNOREDUCE\`, full state storage; pan's run time,
compilation excluded, so small models are mostly process start-up) and \`teeio explore\`'s search
on \`bench/spin/tdisp-n<N>-b<B>.json\` over the simulated device, \`--no-reduction\` (every request
encoded, answered and decoded as bytes). B/state: pan's figure for stored states; teeio's live
heap growth (after a full collection) while the search holds its visited set and paths.

${spinTable(spin)}

## The canonical cross-arch model (issue 14; target: each arch explored exhaustively in < 60 s)

\`examples/models/canonical.json\` (two TDIs of one device in one VM; every host, guest and device
event, every flow, one DOE fault) under \`teeio explore\`'s search on each built-in arch, one
worker, the dead-counter reduction on (the default): what \`teeio explore --arch all\` runs.
Invariants broken: each found with its shortest trace (the search does not expand a violating state).

${exploreTable(canonical)}
`;
writeFileSync(new URL('./RESULTS.md', import.meta.url), text);
process.stdout.write(text);
