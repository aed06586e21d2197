import { pdev } from '../../host/pci.js';
import type { StepImpl } from './step.js';
import { tdiTarget, when } from './step.js';

/** Steps that only ask the IOMMU and attestation ports for the TDI's firmware objects. */
export const firmwareSteps = {
  'iommu.setup-trusted': (w, t) => {
    const x = tdiTarget(w, t, 'iommu.setup-trusted');
    return w.ports.iommu.setupTrusted(x.vm, x.tdi);
  },
  'iommu.teardown-trusted': (w, t) => {
    const x = tdiTarget(w, t, 'iommu.teardown-trusted');
    return when(w.ports.iommu.view().some((c) => c.tdi === x.tdi), () => w.ports.iommu.teardownTrusted(x.vm, x.tdi));
  },
  'attestation.register': (w, t) => {
    const x = tdiTarget(w, t, 'attestation.register');
    return when(pdev(w, x.tdi).bound !== undefined, () => w.ports.attestation.register(x.vm, x.tdi));
  },
} satisfies Record<string, StepImpl>;
