import { pciTsmBind, pciTsmConnect, pciTsmDisconnect, pciTsmUnbind, pdev } from '../../host/pci.js';
import { Errno, errno } from '../../host/errno.js';
import type { StepImpl } from './step.js';
import { dsmTarget, tdiTarget, when } from './step.js';

export const tsmSteps = {
  'tsm.connect': (w, t) => pciTsmConnect(w, dsmTarget(t, 'tsm.connect')),
  'tsm.disconnect': (w, t) => {
    const dsm = dsmTarget(t, 'tsm.disconnect');
    return when(pdev(w, dsm).connected, () => pciTsmDisconnect(w, dsm));
  },
  /**
   * The vDEVICE's TSM bind (iommufd_vdevice_tsm_bind → pci_tsm_bind) with the guest's RID.
   * "The TSM bind operation is initiated by VFIO/IOMMUFD" (linux-tsm-core §1 sysfs, §3): with
   * no vDEVICE of this VM there is nothing to bind through (-ENOENT, as for an unknown iommufd
   * object id), so a bound TDI always has an open VFIO device whose BARs were revoked.
   */
  'tsm.bind': (w, t) => {
    const x = tdiTarget(w, t, 'tsm.bind');
    if (w.host.iommufd.vdevices[x.tdi]?.vm !== x.vm) return errno(Errno.ENOENT, `${x.tdi} has no vDEVICE for ${x.vm} to bind through`);
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
