/**
 * The behaviour matrix over the examples on TDX, SEV-TIO and CCA: each row states the
 * difference the reference documents, and every cell names an example and a step of its run.
 */
import { Ajv } from 'ajv';
import { type ArchRuns, MATRIX_SCHEMA, type Matrix, MatrixGapError, QUESTIONS, archRuns, matrixOf } from '@teeio/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ARCHS, allExamples } from './plugins.js';

let runs: ArchRuns[];
let m: Matrix;
beforeAll(() => {
  runs = ARCHS.map((p) => archRuns(p, allExamples(), ['tdx', 'sev-tio', 'cca']));
  m = matrixOf(runs);
});

/** The answer of `row` on `arch`. */
const answer = (row: string, arch: string): string => {
  const r = m.rows.find((x) => x.id === row);
  if (!r) throw new Error(`no row ${row}`);
  return r.cells[m.archs.indexOf(arch)]?.answer ?? '';
};

describe('teeio matrix', () => {
  it('has every question, every cell naming an example it ran and a step or event of that run', () => {
    expect(new Ajv({ strict: true }).compile(MATRIX_SCHEMA)(m)).toBe(true);
    expect(m.rows.map((r) => r.id)).toEqual(QUESTIONS.map((q) => q.id));
    const names = new Set(allExamples().map((s) => s.name));
    for (const row of m.rows) {
      for (const [a, cell] of row.cells.entries()) {
        expect(names.has(cell.scenario), `${row.id}/${m.archs[a]}`).toBe(true);
        const report = runs[a]?.report(cell.scenario);
        const label = cell.step.startsWith('event ') ? undefined : cell.step;
        if (label) expect(report?.steps.some((s) => (s.flow ? `${s.flow}/${s.step}` : s.step) === label), `${row.id}/${m.archs[a]}: ${label}`).toBe(true);
      }
    }
  });

  it('who drives lock and start: the host locks on SEV-TIO and CCA at the guest request; TDX START is the host TDH.TDI.START after the guest TDG.TDI.START', () => {
    expect(answer('lock-and-start', 'sev-tio')).toMatch(/^lock: vmm at the guest request/);
    expect(answer('lock-and-start', 'cca')).toMatch(/^lock: vmm at the guest request/);
    expect(answer('lock-and-start', 'tdx')).toMatch(/^lock: vmm;/);
    expect(answer('lock-and-start', 'tdx')).toMatch(/TDG\.TDI\.START, TDH\.TDI\.START/);
    expect(answer('lock-and-start', 'cca')).toMatch(/RMI_VDEV_START/);
  });

  it('private MMIO is mapped after LOCK by KVM through each firmware: TDH.MMIO.MAP, RMPUPDATE, RMI_RTT_DEV_MAP', () => {
    expect(answer('private-mmio-map', 'tdx')).toMatch(/after tsm\.bind.*TDH\.MMIO\.MAP/);
    expect(answer('private-mmio-map', 'sev-tio')).toMatch(/after tsm\.bind.*RMPUPDATE/);
    expect(answer('private-mmio-map', 'cca')).toMatch(/after tsm\.bind.*RMI_RTT_DEV_MAP/);
  });

  it('hypervisor mappings after bind: they remain on SEV-TIO only', () => {
    expect(answer('hypervisor-mapping-after-bind', 'sev-tio')).toMatch(/^yes/);
    expect(answer('hypervisor-mapping-after-bind', 'tdx')).toMatch(/^no: removed at vfio\.revoke-mmio.*before tsm\.bind/);
    expect(answer('hypervisor-mapping-after-bind', 'cca')).toMatch(/^no: removed at vfio\.revoke-mmio/);
  });

  it('a hypervisor access to private MMIO: an RMP fault on SEV-TIO ("no device disturbance"), no mapping to use on TDX and CCA', () => {
    expect(answer('hypervisor-access-private-mmio', 'sev-tio')).toBe('RMP fault');
    expect(answer('hypervisor-access-private-mmio', 'tdx')).toBe('no hypervisor mapping');
  });

  it('RUN: at attest on SEV-TIO (before the guest validates MMIO), after the guest accepts its MMIO on TDX and CCA', () => {
    expect(answer('run', 'sev-tio')).toMatch(/^RUN in accept, after guest\.verify-evidence/);
    expect(answer('run', 'cca')).toMatch(/after guest\.accept-mmio/);
    expect(answer('run', 'tdx')).not.toMatch(/after guest\.verify-evidence/);
  });

  it('trusted DMA: TDX adds the DMAR at bind and the guest accepts it; SEV-TIO by the guest sDTE write; CCA by RSI_VDEV_DMA_ENABLE', () => {
    expect(answer('trusted-dma', 'tdx')).toMatch(/TDH\.DMAR\.ADD.*TDG\.DMAR\.ACCEPT/);
    expect(answer('trusted-dma', 'sev-tio')).toMatch(/SDTE_WRITE/);
    expect(answer('trusted-dma', 'cca')).toMatch(/RSI_VDEV_DMA_ENABLE/);
  });

  it('unbind order: TDX stops before unmapping, CCA unmaps before unlocking, SEV-TIO reclaims before KVM unmaps', () => {
    expect(answer('unbind-order', 'tdx')).toBe('tsm.stop -> kvm.unmap-private-mmio -> tsm.unbind');
    expect(answer('unbind-order', 'cca')).toBe('kvm.unmap-private-mmio -> tsm.stop -> tsm.unbind');
    expect(answer('unbind-order', 'sev-tio')).toBe('tsm.stop -> tsm.unbind -> kvm.unmap-private-mmio');
  });

  it('FLR on a bound TDI: under vfio-unbinds the TDI is unbound and revoked before the reset; under pci-blocks the reset is refused with -EBUSY and the TDI stays in RUN', () => {
    for (const arch of m.archs) {
      expect(answer('flr-default-policy', arch)).toMatch(/^vfio-unbinds: reset after .*tsm\.unbind.* -> vfio\.revoke-mmio; TDI CONFIG_UNLOCKED$/);
      expect(answer('flr-pci-blocks', arch)).toBe('pci-blocks: reset refused (-EBUSY); TDI RUN');
    }
  });

  it('VM destroy with a bound device: each firmware refuses with its own code', () => {
    expect(answer('vm-destroy-bound', 'tdx')).toBe('refused: TDH.PHYMEM.PAGE.RECLAIM TDX_TD_ASSOCIATED_PAGES_EXIST');
    expect(answer('vm-destroy-bound', 'sev-tio')).toBe('refused: SNP_DECOMMISSION SEV_RET_IN_USE');
    expect(answer('vm-destroy-bound', 'cca')).toBe('refused: RMI_REALM_DESTROY RMI_ERROR_REALM');
  });

  it('close() of the VFIO device while bound: the TDI is unbound first, in each arch unbind order, then the vDEVICE goes', () => {
    expect(answer('vfio-close-bound', 'tdx')).toBe('ok after tsm.stop -> kvm.unmap-private-mmio -> tsm.unbind -> iommufd.vdevice-destroy');
    expect(answer('vfio-close-bound', 'cca')).toBe('ok after kvm.unmap-private-mmio -> tsm.stop -> tsm.unbind -> iommufd.vdevice-destroy');
  });

  it('a relock between evidence and accept: the guest rejects the accept after reading the TDI state again through its firmware', () => {
    expect(answer('relock-before-accept', 'tdx')).toMatch(/^accept GUEST_REJECTED after TDG\.TDI\.RD/);
    expect(answer('relock-before-accept', 'sev-tio')).toMatch(/^accept GUEST_REJECTED after TIO_GUEST_REQUEST/);
    expect(answer('relock-before-accept', 'cca')).toMatch(/^accept GUEST_REJECTED after RSI_VDEV_GET_INFO/);
  });

  it('a question no example answers is an error naming the row and the arch', () => {
    const unanswerable = { id: 'nothing', question: 'never shown', derive: () => undefined };
    expect(() => matrixOf(runs, [unanswerable])).toThrow(MatrixGapError);
    expect(() => matrixOf(runs, [unanswerable])).toThrow('matrix row nothing has no answer for tdx');
  });
});
