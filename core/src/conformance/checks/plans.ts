import type { Plans } from '../../lifecycle/plan.js';
import { FLOW_NAMES, type FlowName, STEPS, type StepName } from '../../lifecycle/vocabulary.js';
import { type ConformanceCheck, findings } from '../check.js';

/**
 * The steps each flow exists to run, in the order every arch runs them (a plan may add steps
 * around and between them). The teardown orders are arch-neutral: STOP before the firmware
 * context is reclaimed (the kernel's unbind; linux-tsm-core §3), the TDI unbound before the
 * reset ("unbind the TDI first, then revoke MMIOs, then do FLR", ibid.), and before the VM goes
 * (PRODUCT.md invariant 8).
 */
export const FLOW_ESSENTIALS: Readonly<Record<FlowName, readonly StepName[]>> = {
  connect: ['tsm.connect'],
  createVpci: ['vfio.open'],
  bind: ['tsm.bind'],
  accept: ['guest.get-evidence', 'guest.verify-evidence'],
  unlock: ['tsm.stop', 'tsm.unbind'],
  unbind: ['tsm.stop', 'tsm.unbind'],
  vfioClose: ['tsm.stop', 'tsm.unbind', 'vfio.close'],
  flr: ['tsm.stop', 'tsm.unbind', 'pci.flr'],
  vmDestroy: ['tsm.stop', 'tsm.unbind', 'vm.destroy'],
  disconnect: ['tsm.disconnect'],
};

/** Problems of one flow's plan: unknown steps, and essentials missing or out of order. */
function planProblems(plans: Plans, flow: FlowName): string[] {
  const plan = plans[flow] as Plans[FlowName] | undefined;
  if (!plan || plan.length === 0) return [`flow ${flow} has no plan`];
  const unknown = plan.filter((p) => !Object.hasOwn(STEPS, p.step)).map((p) => `flow ${flow}: ${JSON.stringify(p.step)} is not a vocabulary step`);
  const steps = plan.map((p) => p.step);
  const essentials = FLOW_ESSENTIALS[flow];
  let from = 0;
  const inOrder = essentials.every((essential) => {
    from = steps.indexOf(essential, from) + 1;
    return from > 0;
  });
  const order = inOrder ? [] : [`flow ${flow} must run ${essentials.join(' then ')}; its plan runs ${steps.join(' ')}`];
  return [...unknown, ...order];
}

/** Unwind entries that name no flow. */
function unwindProblems(unwind: Readonly<Partial<Record<string, string>>>): string[] {
  return Object.entries(unwind)
    .filter(([from, to]) => !FLOW_NAMES.includes(from as FlowName) || !FLOW_NAMES.includes(to as FlowName))
    .map(([from, to]) => `unwind ${from} → ${String(to)} names no flow`);
}

/** Every flow has a plan, of vocabulary steps only, with the steps the flow exists for in order. */
export const plansCheck: ConformanceCheck = {
  id: 'plans',
  title: 'plans cover every flow, use only vocabulary steps, and keep the arch-neutral orders',
  needsPlugin: true,
  run(_ctx, plugin) {
    const { plans, semantics } = plugin.declaration;
    const problems = [...FLOW_NAMES.flatMap((f) => planProblems(plans, f)), ...unwindProblems(semantics.unwind)];
    const steps = FLOW_NAMES.reduce((n, f) => n + (plans[f]?.length ?? 0), 0);
    return findings(problems, `${FLOW_NAMES.length} flows, ${steps} planned steps`);
  },
};
