import { pciTsmBind, pciTsmConnect, pciTsmDisconnect, pciTsmUnbind, pdev } from '../../host/pci.js';
import type { StepImpl } from './step.js';
import { dsmTarget, tdiTarget, when } from './step.js';

export const tsmSteps = {
  'tsm.connect': (w, t) => pciTsmConnect(w, dsmTarget(t, 'tsm.connect')),
  'tsm.disconnect': (w, t) => {
    const dsm = dsmTarget(t, 'tsm.disconnect');
    return when(pdev(w, dsm).connected, () => pciTsmDisconnect(w, dsm));
  },
  /** The vDEVICE's TSM bind (iommufd_vdevice_tsm_bind → pci_tsm_bind) with the guest's RID. */
  'tsm.bind': (w, t) => {
    const x = tdiTarget(w, t, 'tsm.bind');
    return pciTsmBind(w, x.tdi, x.vm, x.guestRid);
  },
  /** STOP is issued while the firmware still holds the TDI's context. */
  'tsm.stop': (w, t) => {
    const x = tdiTarget(w, t, 'tsm.stop');
    return when(pdev(w, x.tdi).bound !== undefined, () => w.ports.tsm.stop(x.tdi));
  },
  'tsm.unbind': (w, t) => {
    const x = tdiTarget(w, t, 'tsm.unbind');
    return when(pdev(w, x.tdi).bound !== undefined, () => pciTsmUnbind(w, x.tdi));
  },
} satisfies Record<string, StepImpl>;
