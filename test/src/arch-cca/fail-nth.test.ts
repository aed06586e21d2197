import type { FaultKind, RunReport, Scenario } from '@teeio/core';
import { CCA, type RmmState } from '@teeio/arch-cca';
import { describe, expect, it } from 'vitest';
import { example, runCca } from './harness.js';

/**
 * fail_nth over every RMI, RSI and RHI call (and every DOE exchange) of a scenario: each in
 * turn fails with RMI_BUSY or -EIO. The host retries a busy call once and aborts a pumped
 * operation whose call or transfer failed; what still fails is unwound by the plugin's unwind
 * flow. No invariant may break at any step, and the run must end with nothing left in the RMM.
 */

/**
 * Scenarios that end with the VM destroyed and the DSM disconnected: the RMM must be empty after
 * them. The lifecycle's sweep is the conformance kit's (conformance.test.ts).
 */
const SCENARIOS = [
  'vfio-close-while-bound.json',
  'vm-destroy-bound.json',
  'flr-bound.json',
  'host-relock-before-accept.json',
  'hypervisor-touches-private-mmio.json',
  'tdx-error-accepts-only-stop.json',
  'tdx-flr-surprise.json',
  'cca-unlock-with-device-memory-mapped.json',
  'cca-validate-mapping-rejected.json',
];

/** Device exchanges a run made (each one DOE exchange: TDISP, IDE_KM, DOE Discovery). */
const isExchange = (e: RunReport['trace'][number]) => e.actor === 'device' && e.op !== 'TDI → ERROR' && e.op !== 'T=1 DMA to guest memory';

/** What the RMM (and the host's cache of it) still holds. */
function leftovers(s: RmmState): string[] {
  return [
    ...Object.values(s.pdevs).map((p) => `PDEV ${p.id} (${p.state}, ${p.comm})`),
    ...Object.values(s.vdevs).map((v) => `VDEV ${v.tdi} (${v.state}, ${v.comm})`),
    ...Object.keys(s.realms).map((vm) => `realm ${vm}`),
    ...Object.entries(s.granules).map(([pa, g]) => `${g.pages} granules at ${pa} ${g.state}`),
    ...Object.keys(s.host.pdevs).map((p) => `host cache of PDEV ${p}`),
    ...Object.keys(s.host.vdevs).map((v) => `host cache of VDEV ${v}`),
    ...Object.entries(s.host.devMem).flatMap(([vm, r]) => Object.keys(r).map((ipa) => `KVM device range ${ipa} of ${vm}`)),
    ...Object.keys(s.guest).map((d) => `realm driver state of ${d}`),
  ];
}

function sweep(file: string, kind: FaultKind) {
  const base = example(file);
  const clean = runCca(base).report;
  const count = kind === 'firmware' ? clean.trace.filter((e) => e.actor === 'firmware').length : clean.trace.filter(isExchange).length;
  // A scenario may fail a flow on purpose (cca-validate-mapping-rejected): only failures beyond those count.
  const failing = (r: RunReport) => r.flows.filter((f) => !f.ok).length;
  const failures: string[] = [];
  let survived = 0;
  let unwound = 0;
  for (let nth = 1; nth <= count; nth++) {
    const scenario: Scenario = { ...base, faults: [{ kind, nth }], expect: {}, expectByArch: {} };
    const { report, rmm } = runCca(scenario);
    const where = `${kind}#${nth}`;
    const injected = kind === 'firmware' ? report.trace.filter((e) => e.actor === 'firmware')[nth - 1] : report.trace.filter(isExchange)[nth - 1];
    if (injected?.result !== (kind === 'firmware' ? CCA.BUSY : '-EIO')) failures.push(`${where}: the injected failure did not show (${injected?.op} ${injected?.result})`);
    for (const v of report.violations) failures.push(`${where} (${injected?.op}): invariant ${v.invariant} after ${v.step}: ${v.message}`);
    for (const f of report.flows) if (!f.ok && !f.unwoundWith) failures.push(`${where}: flow ${f.flow} failed at ${f.failedStep} without unwinding`);
    for (const l of leftovers(rmm)) failures.push(`${where} (${injected?.op}): ${l} leaked`);
    if (failing(report) > failing(clean)) unwound++;
    else survived++;
  }
  return { count, failures, survived, unwound };
}

describe('fail_nth over every RMI, RSI and RHI call', () => {
  it.each(SCENARIOS)('%s: every failure is survived or unwound, no invariant broken, nothing leaked', (file) => {
    const r = sweep(file, 'firmware');
    expect(r.failures).toEqual([]);
    expect(r.count).toBeGreaterThan(60);
    // Both kinds happen: the host's retry absorbs some, the rest make a flow unwind.
    expect(r.survived).toBeGreaterThan(0);
    expect(r.unwound).toBeGreaterThan(0);
  });
});

describe('fail_nth over every DOE exchange', () => {
  it.each(SCENARIOS)('%s: a lost exchange aborts the pumped operation and unwinds cleanly', (file) => {
    const r = sweep(file, 'doe');
    expect(r.failures).toEqual([]);
    expect(r.count).toBeGreaterThan(20);
  });
});
