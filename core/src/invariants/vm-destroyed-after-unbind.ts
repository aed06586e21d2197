import type { VmId } from '../model/ids.js';
import type { World } from '../world/world.js';
import type { Breach, Invariant } from './invariant.js';

/** The VMs of `vms` destroyed (or torn down) with TDIs still bound, where the arch forbids it. */
function destroyedBound(w: World, vms: Iterable<VmId>): Breach[] {
  const out: Breach[] = [];
  if (!w.vmDestroyRequiresUnbind) return out;
  for (const vm of vms) {
    const v = w.host.kvm[vm];
    const bound = v?.boundAtDestroy ?? [];
    if (v && bound.length > 0)
      out.push({ message: `${vm} ${v.phase === 'destroyed' ? 'was destroyed' : 'went to teardown (the firmware refused it)'} with ${bound.join(', ')} still bound`, objects: [vm, ...bound] });
  }
  return out;
}

/** 8. A VM is destroyed only after its CC vPCI devices are unbound (where the arch requires it). */
export const vmDestroyedAfterUnbind: Invariant = {
  number: 8,
  id: 'vm-destroyed-after-unbind',
  description: 'A VM is destroyed only after its CC vPCI devices are unbound (where the arch requires it).',
  when: 'every-step',
  check: (w) => destroyedBound(w, Object.keys(w.host.kvm)),
  checkVms: destroyedBound,
};
