import type { Breach, Invariant } from './invariant.js';

/** 5. No step triggers a fatal firmware error (the kind that kills the VM) in a correct plan. */
export const noFatalFirmwareError: Invariant = {
  number: 5,
  id: 'no-fatal-firmware-error',
  description: 'No step triggers a fatal firmware error (the kind that kills the VM) in a correct plan.',
  when: 'every-step',
  check(w) {
    return Object.entries(w.host.kvm)
      .filter(([, v]) => v.killed !== undefined)
      .map(([vm, v]): Breach => {
        const cause = [...w.tracer.entries].reverse().find((e) => e.fatal);
        return { message: `${vm} was killed (KVM_BUG_ON): ${cause ? `${cause.op} returned ${cause.result}` : v.killed}`, objects: [vm] };
      });
  },
};
