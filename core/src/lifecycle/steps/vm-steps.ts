import { kvmCreateVm, kvmRelease } from '../../host/kvm.js';
import type { StepImpl } from './step.js';
import { vmTarget, when } from './step.js';

export const vmSteps = {
  'vm.create': (w, t) => kvmCreateVm(w, vmTarget(t, 'vm.create')),
  /** The VMM closes the KVM fd; KVM destroys the VM once nothing pins it (the vIOMMU may). */
  'vm.destroy': (w, t) => {
    const vm = vmTarget(t, 'vm.destroy');
    return when(w.host.kvm[vm]?.fdOpen === true, () => kvmRelease(w, vm));
  },
} satisfies Record<string, StepImpl>;
