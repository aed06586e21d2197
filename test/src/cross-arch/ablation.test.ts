/**
 * Removing a rule from an arch's model changes the matrix cell that depends on it: the matrix
 * is derived from execution, not written down.
 */
import { type LoadedPlugin, QUESTIONS, archRuns, matrixOf } from '@teeio/core';
import { describe, expect, it } from 'vitest';
import { ccaPlugin } from '../arch-cca/harness.js';
import { sevPlugin } from '../arch-sev-tio/harness.js';
import { tdxPlugin } from '../arch-tdx/harness.js';
import { allExamples } from './plugins.js';

const ARCH_IDS = ['tdx', 'sev-tio', 'cca'];

/** The cell of question `id` on one plugin. */
function cell(plugin: LoadedPlugin, id: string): string {
  const examples = allExamples();
  const q = QUESTIONS.filter((x) => x.id === id);
  return matrixOf([archRuns(plugin, examples, ARCH_IDS)], q).rows[0]?.cells[0]?.answer ?? '';
}

describe('ablating a rule changes its matrix cell', () => {
  it('TDX without td-reclaim-requires-no-devif: VM destroy with a bound TDI is no longer refused', () => {
    expect(cell(tdxPlugin(), 'vm-destroy-bound')).toMatch(/^refused: TDH\.PHYMEM\.PAGE\.RECLAIM/);
    expect(cell(tdxPlugin(['td-reclaim-requires-no-devif']), 'vm-destroy-bound')).toMatch(/^not refused/);
  });

  it('CCA without realm-destroy-requires-no-vdev: VM destroy with a bound VDEV is no longer refused', () => {
    expect(cell(ccaPlugin(), 'vm-destroy-bound')).toMatch(/^refused: RMI_REALM_DESTROY/);
    expect(cell(ccaPlugin(['realm-destroy-requires-no-vdev']), 'vm-destroy-bound')).toMatch(/^not refused/);
  });

  it('SEV-TIO without snp-decommission-requires-no-bound-tdi: VM destroy with a bound TDI is no longer refused', () => {
    expect(cell(sevPlugin(), 'vm-destroy-bound')).toMatch(/^refused: SNP_DECOMMISSION SEV_RET_IN_USE/);
    expect(cell(sevPlugin(['snp-decommission-requires-no-bound-tdi']), 'vm-destroy-bound')).toMatch(/^not refused/);
  });
});
