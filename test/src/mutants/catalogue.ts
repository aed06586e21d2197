import * as cca from '@teeio/arch-cca';
import * as sev from '@teeio/arch-sev-tio';
import * as tdx from '@teeio/arch-tdx';
import {
  ATTESTATION_PORT,
  type AttestationPort,
  FIRMWARE_STATE,
  type FirmwareState,
  type FlowName,
  MMIO_PORT,
  type MmioPort,
  OK,
  type PlanStep,
  type PluginModule,
  TSM_PORT,
  type TsmPort,
  ok,
} from '@teeio/core';
import * as devsec from '../reference-plugin/index.js';
import { moveBefore, override, withDeclaration, withPlans, withPort, without } from './wrappers.js';

/** A deliberately broken plugin: the conformance kit must fail it. */
export interface Mutant {
  readonly id: string;
  /** What is broken, in the words of the bug it stands for. */
  readonly what: string;
  readonly module: PluginModule;
  /**
   * The check that must catch it: the mutation test runs only that one. An order or code only
   * one arch has is judged by its arch examples; a plan order every arch keeps by the plans check.
   */
  readonly caughtBy: string;
}

/** The flows that unbind a TDI, where a teardown order lives. */
const TEARDOWNS: readonly FlowName[] = ['unlock', 'unbind', 'vfioClose', 'flr', 'vmDestroy'];

const BASES = { tdx, 'sev-tio': sev, cca, devsec } as const satisfies Record<string, PluginModule>;

/** The evidence's freshness token frozen at its first value: relocking stamps no new nonce. */
function frozenFreshness(inner: AttestationPort): AttestationPort {
  const first = new Map<string, string>();
  const frozen = (key: string, value: string) => first.get(key) ?? (first.set(key, value), value);
  return override(inner, {
    freshness: (vm, tdi) => {
      const r = inner.freshness(vm, tdi);
      return r.ok ? ok(frozen(`${vm}/${tdi}`, r.value)) : r;
    },
    getEvidence: (vm, tdi) => {
      const r = inner.getEvidence(vm, tdi);
      return r.ok ? ok({ ...r.value, freshness: frozen(`${vm}/${tdi}`, r.value.freshness) }) : r;
    },
  });
}

/** The VMM's closes (vDEVICE, device fd, vIOMMU, VM) moved ahead of the unbind, in their order. */
const vmGoesFirst = (plan: readonly PlanStep[]): PlanStep[] => {
  const closes = new Set<string>(['iommufd.vdevice-destroy', 'vfio.close', 'iommufd.viommu-destroy', 'vm.destroy']);
  return [...plan.filter((p) => closes.has(p.step)), ...plan.filter((p) => !closes.has(p.step))];
};

/** Bugs any arch can have, each made on every plugin whose plans it changes. */
function neutral(arch: keyof typeof BASES, m: PluginModule): Mutant[] {
  const mutants: Mutant[] = [
    { id: `${arch}/guest-skips-evidence-verification`, what: 'the guest accepts the TDI without verifying its evidence', module: withPlans(m, ['accept'], without('guest.verify-evidence')), caughtBy: 'examples' },
    { id: `${arch}/vm-destroyed-before-unbind`, what: 'the vmDestroy plan closes the device and destroys the VM before it unbinds the TDI', module: withPlans(m, ['vmDestroy'], vmGoesFirst), caughtBy: 'plans' },
    { id: `${arch}/nonce-not-restamped-on-relock`, what: 'the firmware never stamps a new nonce (freshness) when the TDI is locked again', module: withPort(m, ATTESTATION_PORT, frozenFreshness), caughtBy: 'examples' },
    { id: `${arch}/tdi-left-after-unbind`, what: 'unbind reports success and leaves the TDI context in the firmware', module: withPort(m, TSM_PORT, (t: TsmPort) => override(t, { unbind: () => OK })), caughtBy: 'examples' },
  ];
  // SEV-TIO's bind revokes nothing: the RMP, not the hypervisor's mappings, guards its MMIO.
  if (m.declaration.plans.bind.some((p) => p.step === 'vfio.revoke-mmio'))
    mutants.push({ id: `${arch}/hypervisor-mapping-left-after-bind`, what: 'the host binds without revoking the hypervisor\'s mappings of the BARs', module: withPlans(m, ['bind'], without('vfio.revoke-mmio')), caughtBy: 'examples' });
  return mutants;
}

const TDX_MUTANTS: Mutant[] = [
  {
    id: 'tdx/sept-unmapped-before-stop',
    what: 'KVM unmaps the S-EPT MMIO before STOP, and the module lets it (mmio-unmap-requires-stop off)',
    module: withPlans(tdx.withModelOptions({ ablate: ['mmio-unmap-requires-stop'] }), TEARDOWNS, moveBefore('kvm.unmap-private-mmio', 'tsm.stop')),
    caughtBy: 'arch-examples',
  },
  { id: 'tdx/td-reclaimed-with-devif', what: 'the module reclaims a TD that still has a DEVIF', module: tdx.withModelOptions({ ablate: ['td-reclaim-requires-no-devif'] }), caughtBy: 'arch-examples' },
  { id: 'tdx/devif-removed-without-stop', what: 'TDH.DEVIF.REMOVE of a TDI the module never stopped', module: tdx.withModelOptions({ ablate: ['devif-remove-requires-stop'] }), caughtBy: 'arch-examples' },
  { id: 'tdx/start-before-private-mmio', what: 'TDI START before every TEE MMIO range is mapped private', module: tdx.withModelOptions({ ablate: ['tdi-start-requires-private-mmio'] }), caughtBy: 'arch-examples' },
];

const CCA_MUTANTS: Mutant[] = [
  {
    id: 'cca/unlock-with-device-memory-mapped',
    what: 'the host unlocks the VDEV with its device memory still mapped, and the RMM lets it (vdev-unlock-requires-no-dev-mapping off)',
    module: withPlans(cca.withModelOptions({ ablate: ['vdev-unlock-requires-no-dev-mapping'] }), TEARDOWNS, moveBefore('tsm.stop', 'kvm.unmap-private-mmio')),
    caughtBy: 'arch-examples',
  },
  { id: 'cca/realm-destroyed-with-vdev', what: 'RMI_REALM_DESTROY of a realm that still has a VDEV', module: cca.withModelOptions({ ablate: ['realm-destroy-requires-no-vdev'] }), caughtBy: 'arch-examples' },
  { id: 'cca/vdev-destroyed-while-started', what: 'RMI_VDEV_DESTROY of a VDEV that is still LOCKED or STARTED', module: cca.withModelOptions({ ablate: ['vdev-destroy-requires-new-or-unlocked'] }), caughtBy: 'arch-examples' },
  { id: 'cca/realm-ignores-validate-result', what: 'the realm takes RSI_SUCCESS of VALIDATE_MAPPING as acceptance and ignores the host\'s rejection', module: cca.withModelOptions({ ablate: ['guest-checks-validate-result'] }), caughtBy: 'arch-examples' },
];

const SEV_MUTANTS: Mutant[] = [
  { id: 'sev-tio/rmp-not-updated', what: 'the CCP driver skips the RMP update at unbind: the BAR pages stay assigned to the guest (rmp_make_shared never runs)', module: sev.withModelOptions({ ablate: ['host-unbind-makes-rmp-shared'] }), caughtBy: 'examples' },
  { id: 'sev-tio/guest-destroyed-with-bound-tdi', what: 'SNP_DECOMMISSION of a guest context with TDIs still bound', module: sev.withModelOptions({ ablate: ['snp-decommission-requires-no-bound-tdi'] }), caughtBy: 'arch-examples' },
  { id: 'sev-tio/mmio-validated-unassigned', what: 'MMIO_VALIDATE of pages the RMP never assigned to the guest', module: sev.withModelOptions({ ablate: ['mmio-validate-requires-assigned'] }), caughtBy: 'arch-examples' },
  { id: 'sev-tio/rmp-fault-does-not-fence', what: 'an RMP fault on a bound TDI\'s MMIO does not fence the ASID', module: sev.withModelOptions({ ablate: ['rmp-violation-fences-asid'] }), caughtBy: 'arch-examples' },
  { id: 'sev-tio/unbind-without-stop', what: 'the host reclaims TDIs without TIO_TDI_UNBIND (no tsm.stop in any teardown)', module: withPlans(sev, TEARDOWNS, without('tsm.stop')), caughtBy: 'examples' },
];

/**
 * Bugs only one check sees, each made on every plugin: without them, a check that always passed
 * would go unnoticed.
 */
function checkTargets(arch: keyof typeof BASES, m: PluginModule): Mutant[] {
  // Lives in the mutant, outside any world: it survives from one run to the next.
  let accesses = 0;
  return [
    {
      id: `${arch}/firmware-restore-ignored`,
      what: 'restore() of the firmware state does nothing: a restored world keeps the state it had',
      module: withPort(m, FIRMWARE_STATE, (f: FirmwareState) => override(f, { restore: () => undefined })),
      caughtBy: 'snapshot',
    },
    {
      id: `${arch}/state-kept-across-runs`,
      what: 'a hypervisor access reports a count kept outside the world: the same run differs the second time',
      module: withPort(m, MMIO_PORT, (p: MmioPort) => override(p, { hostAccess: (...a) => ({ ...p.hostAccess(...a), effect: `${p.hostAccess(...a).effect} #${++accesses}` }) })),
      caughtBy: 'determinism',
    },
    {
      id: `${arch}/no-unwind`,
      what: 'no flow unwinds: what a failed step leaves stays',
      module: withDeclaration(m, (d) => ({ ...d, semantics: { ...d.semantics, unwind: {} } })),
      caughtBy: 'fail-nth',
    },
  ];
}

/**
 * The reference TSM forced to disconnect whatever it is asked: it drops a bound TDI's session and
 * leaves the TDI locked, which no invariant sees (the host never disconnects under a bound TDI).
 * The built-ins' forced disconnect stops their TDIs first, so forcing them is no bug.
 */
const DISCONNECT_FORCED: Mutant = {
  id: 'devsec/disconnect-always-forced',
  what: 'the TSM disconnects with force whatever it is asked: a bound TDI\'s session goes, the TDI stays locked',
  module: withPort(devsec, TSM_PORT, (t: TsmPort) => override(t, { disconnect: (dsm) => t.disconnect(dsm, true) })),
  caughtBy: 'wrong-orders',
};

/** Each arch's own mutants: its firmware model's rules switched off, its own orders broken. */
export const ARCH_MUTANTS: readonly Mutant[] = [...TDX_MUTANTS, ...SEV_MUTANTS, ...CCA_MUTANTS];

/** Every mutant `npm run mutants` runs and the mutation test keeps caught. */
export const MUTANTS: readonly Mutant[] = [
  ...ARCH_MUTANTS,
  ...Object.entries(BASES).flatMap(([arch, m]) => [...neutral(arch as keyof typeof BASES, m), ...checkTargets(arch as keyof typeof BASES, m)]),
  DISCONNECT_FORCED,
];
