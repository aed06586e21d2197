import type { Breach, Invariant } from './invariant.js';

/** 8. A VM is destroyed only after its CC vPCI devices are unbound (where the arch requires it). */
export const vmDestroyedAfterUnbind: Invariant = {
  number: 8,
  id: 'vm-destroyed-after-unbind',
  description: 'A VM is destroyed only after its CC vPCI devices are unbound (where the arch requires it).',
  when: 'every-step',
  check(w) {
    if (!w.vmDestroyRequiresUnbind) return [];
    return Object.entries(w.host.kvm)
      .filter(([, v]) => (v.boundAtDestroy ?? []).length > 0)
      .map(([vm, v]): Breach => ({
        message: `${vm} ${v.phase === 'destroyed' ? 'was destroyed' : 'went to teardown (the firmware refused it)'} with ${(v.boundAtDestroy ?? []).join(', ')} still bound`,
        objects: [vm, ...(v.boundAtDestroy ?? [])],
      }));
  },
};
