import type { Actor } from '../trace/actor.js';
import type { FlowName, StepName } from './vocabulary.js';

/** One step of a plan: what, who initiates it (when not the step's usual actor), and why here. */
export interface PlanStep {
  readonly step: StepName;
  readonly actor?: Actor;
  /** Why the arch needs this step at this point: shown in traces. */
  readonly why?: string;
}

/** An arch's order of steps for every flow. */
export type Plans = Readonly<Record<FlowName, readonly PlanStep[]>>;

/**
 * What the PCI core does when an FLR is requested on a bound TDI (the seed thread's question
 * "it makes a bit of sense that PCI would block the FLR on platforms that require this?"):
 * refuse it, or have VFIO unbind the TDI, revoke the MMIO, then reset (Yilun's order).
 */
export const FLR_POLICIES = ['pci-blocks', 'vfio-unbinds'] as const;
export type FlrPolicy = (typeof FLR_POLICIES)[number];

/** Arch facts the core's host model and invariants consult. */
export interface Semantics {
  /** One paragraph: how this arch binds, who drives each step, what it enforces. */
  readonly summary: string;
  readonly flrPolicy: FlrPolicy;
  /** The VM may be destroyed only after its CC vPCI devices are unbound (TDX; CCA's RMI_REALM_DESTROY). */
  readonly vmDestroyRequiresUnbind: boolean;
  /** Plans that run when a step of a flow fails: the flow to unwind with. */
  readonly unwind: Readonly<Partial<Record<FlowName, FlowName>>>;
}
