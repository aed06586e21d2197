import type { FaultKind, RunReport, Scenario } from '@teeio/core';
import { TDX, type TdxState } from '@teeio/arch-tdx';
import { describe, expect, it } from 'vitest';
import { example, runTdx } from './harness.js';

/**
 * fail_nth over every firmware call (and every DOE exchange) of a scenario: each call in turn
 * fails with the module's transient status (TDX_OPERAND_BUSY) or -EIO. Whatever fails must be
 * survived (KVM retries a busy S-EPT call) or unwound by the plugin's unwind flow, with no
 * invariant broken at any step, and the run must end with nothing left in the module.
 */

/**
 * Scenarios that end with the VM destroyed and the DSM disconnected: the module must be empty after
 * them. The lifecycle's sweep is the conformance kit's (conformance.test.ts).
 */
const SCENARIOS = [
  'vfio-close-while-bound.json',
  'vm-destroy-bound.json',
  'flr-bound.json',
  'host-relock-before-accept.json',
  'replayed-evidence.json',
  'hypervisor-touches-private-mmio.json',
  'tdx-flr-surprise.json',
];

/** Device exchanges a run made (each one DOE exchange: TDISP, IDE_KM, DOE Discovery). */
const isExchange = (e: RunReport['trace'][number]) => e.actor === 'device' && e.op !== 'TDI → ERROR' && e.op !== 'T=1 DMA to guest memory';

/** What the module still holds: only the platform's IOMMU set-up may remain. */
function leftovers(f: TdxState): string[] {
  return [
    ...Object.values(f.spdm).map((s) => `SPDM session ${s.spdmId} with ${s.dsm}`),
    ...Object.values(f.streams).map((s) => `IDE stream ${s.handle} to ${s.dsm}`),
    ...Object.keys(f.devifs).map((t) => `DEVIF ${t}`),
    ...Object.keys(f.dmar).map((t) => `trusted DMA context of ${t}`),
    ...Object.entries(f.tds).map(([vm, td]) => `TD ${vm} with ${Object.keys(td.mmio).length} MMIO leaves`),
    ...(f.inFlight ? [`${f.inFlight.op} in flight`] : []),
  ];
}

function sweep(file: string, kind: FaultKind) {
  const base = example(file);
  const clean = runTdx(base).report;
  const count = kind === 'firmware' ? clean.trace.filter((e) => e.actor === 'firmware').length : clean.trace.filter(isExchange).length;
  const failures: string[] = [];
  let survived = 0;
  let unwound = 0;
  for (let nth = 1; nth <= count; nth++) {
    const scenario: Scenario = { ...base, faults: [{ kind, nth }], expect: {}, expectByArch: {} };
    const { report, firmware } = runTdx(scenario);
    const where = `${kind}#${nth}`;
    const injected = kind === 'firmware' ? report.trace.filter((e) => e.actor === 'firmware')[nth - 1] : report.trace.filter(isExchange)[nth - 1];
    if (injected?.result !== (kind === 'firmware' ? TDX.OPERAND_BUSY : '-EIO')) failures.push(`${where}: the injected failure did not show (${injected?.op} ${injected?.result})`);
    for (const v of report.violations) failures.push(`${where} (${injected?.op}): invariant ${v.invariant} after ${v.step}: ${v.message}`);
    for (const f of report.flows) if (!f.ok && !f.unwoundWith) failures.push(`${where}: flow ${f.flow} failed at ${f.failedStep} without unwinding`);
    for (const l of leftovers(firmware)) failures.push(`${where} (${injected?.op}): ${l} leaked`);
    if (report.flows.some((f) => !f.ok)) unwound++;
    else survived++;
  }
  return { count, failures, survived, unwound };
}

describe('fail_nth over every firmware call', () => {
  it.each(SCENARIOS)('%s: every failure is survived or unwound, no invariant broken, nothing leaked', (file) => {
    const r = sweep(file, 'firmware');
    expect(r.failures).toEqual([]);
    expect(r.count).toBeGreaterThan(40);
    // Both kinds happen: KVM's retries absorb some, the rest make a flow unwind.
    expect(r.survived).toBeGreaterThan(0);
    expect(r.unwound).toBeGreaterThan(0);
  });
});

describe('fail_nth over every DOE exchange', () => {
  it.each(SCENARIOS)('%s: a lost exchange abandons the relayed call and unwinds cleanly', (file) => {
    const r = sweep(file, 'doe');
    expect(r.failures).toEqual([]);
    expect(r.count).toBeGreaterThan(20);
  });
});
