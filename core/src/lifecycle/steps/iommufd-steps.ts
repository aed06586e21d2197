import { vdeviceAlloc, vdeviceDestroy, viommuAlloc, viommuDestroy } from '../../host/iommufd.js';
import type { StepImpl } from './step.js';
import { tdiTarget, when } from './step.js';

export const iommufdSteps = {
  'iommufd.viommu-alloc': (w, t) => viommuAlloc(w, tdiTarget(w, t, 'iommufd.viommu-alloc').vm),
  'iommufd.vdevice-alloc': (w, t) => {
    const x = tdiTarget(w, t, 'iommufd.vdevice-alloc');
    return vdeviceAlloc(w, x.tdi, x.vm, x.guestRid);
  },
  'iommufd.vdevice-destroy': (w, t) => {
    const x = tdiTarget(w, t, 'iommufd.vdevice-destroy');
    return when(w.host.iommufd.vdevices[x.tdi] !== undefined, () => vdeviceDestroy(w, x.tdi));
  },
  /** The vIOMMU goes with the VM's last vDEVICE; it drops the KVM reference it held. */
  'iommufd.viommu-destroy': (w, t) => {
    const x = tdiTarget(w, t, 'iommufd.viommu-destroy');
    const others = Object.values(w.host.iommufd.vdevices).some((d) => d.vm === x.vm);
    return when(w.host.iommufd.viommus[x.vm] !== undefined && !others, () => viommuDestroy(w, x.vm));
  },
} satisfies Record<string, StepImpl>;
