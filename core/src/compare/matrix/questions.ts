import type { StepRecord } from '../../lifecycle/engine.js';
import type { RunReport } from '../../scenario/run.js';
import type { MatrixCell } from './matrix.js';
import { type ArchRuns, cellFrom } from './runs.js';

/**
 * The questions of the behaviour matrix (the seed thread's arguments and those after it), each
 * with the derivation that answers it from one arch's runs of the examples. A derivation reads
 * only what a run did — a call's result, a state reached, a step's place — and names the
 * scenario and step it read; `undefined` means no example shows it (an error, not a blank).
 */
export interface Question {
  readonly id: string;
  readonly question: string;
  readonly derive: (runs: ArchRuns) => MatrixCell | undefined;
}

const LIFECYCLE = 'lifecycle';

const failedCall = (runs: ArchRuns, found: { index: number; report: RunReport }): string | undefined => {
  const bad = runs.callsOf(found).find((c) => c.result !== 'ok');
  return bad ? `${bad.op} ${bad.result}` : undefined;
};

/** The step before and after `record` in its flow: where a plan places it. */
function placeOf(runs: ArchRuns, scenario: string, record: StepRecord): string {
  const steps = runs.flowSteps(scenario, record.flow ?? '');
  const i = steps.indexOf(record);
  const before = steps[i - 1]?.step;
  const after = steps[i + 1]?.step;
  return `in ${record.flow}${before ? `, after ${before}` : ''}${after ? `, before ${after}` : ''}`;
}

/** The relative order, in a flow, of the steps named (those that ran, not skipped). */
function orderOf(runs: ArchRuns, scenario: string, flow: string, steps: readonly string[]): { order: string; first?: StepRecord } {
  const ran = runs.flowSteps(scenario, flow).filter((r) => steps.includes(r.step) && r.result === 'ok');
  return { order: ran.map((r) => r.step).join(' -> '), first: ran[0] };
}

const TEARDOWN = ['tsm.stop', 'kvm.unmap-private-mmio', 'tsm.unbind'];

export const QUESTIONS: readonly Question[] = [
  {
    id: 'lock-and-start',
    question: 'who drives lock and start',
    derive: (runs) => {
      const lock = runs.find(LIFECYCLE, 'tsm.bind', 'bind');
      const run = runs.find(LIFECYCLE, 'guest.request-run', 'accept');
      if (!lock || !run) return undefined;
      const asked = runs.find(LIFECYCLE, 'guest.request-lock', 'bind') ? ' at the guest request' : '';
      const start = [...new Set(runs.callsOf(run).map((c) => c.op))].join(', ') || 'no call';
      return cellFrom(LIFECYCLE, lock.record, `lock: ${lock.record.caller ?? lock.record.actor}${asked}; start: ${run.record.actor} asks (${start})`);
    },
  },
  {
    id: 'private-mmio-map',
    question: 'when private MMIO is mapped, and by whom',
    derive: (runs) => {
      const map = runs.find(LIFECYCLE, 'kvm.map-private-mmio');
      if (!map) return undefined;
      const calls = runs.callsOf(map).map((c) => c.op).join(', ');
      return cellFrom(LIFECYCLE, map.record, `${placeOf(runs, LIFECYCLE, map.record)}; by ${map.record.caller ?? map.record.actor} (${calls || 'no call'})`);
    },
  },
  {
    id: 'hypervisor-mapping-after-bind',
    question: 'may hypervisor mappings remain after bind',
    derive: (runs) => {
      const bind = runs.flowSteps(LIFECYCLE, 'bind');
      const last = bind.at(-1);
      if (!last?.after) return undefined;
      if (last.after.hypervisorMmio) return cellFrom(LIFECYCLE, last, 'yes: still mapped when bind ends');
      const revoke = bind.find((r) => r.after && !r.after.hypervisorMmio) as StepRecord;
      return cellFrom(LIFECYCLE, revoke, `no: removed at ${revoke.step}, ${placeOf(runs, LIFECYCLE, revoke)}`);
    },
  },
  {
    id: 'hypervisor-access-private-mmio',
    question: 'what a hypervisor access to private MMIO does',
    derive: (runs) => {
      const scenario = 'hypervisor-touches-private-mmio';
      const read = runs.entry(scenario, 'hypervisor read of private MMIO');
      if (!read) return undefined;
      return { answer: read.result.split(':')[0] as string, scenario, step: 'event host-touch-private-mmio' };
    },
  },
  {
    id: 'run',
    question: 'when RUN happens',
    derive: (runs) => {
      const run = runs.find(LIFECYCLE, 'guest.request-run');
      if (!run?.record.after) return undefined;
      return cellFrom(LIFECYCLE, run.record, `${run.record.after.tdisp} ${placeOf(runs, LIFECYCLE, run.record)}`);
    },
  },
  {
    id: 'trusted-dma',
    question: 'how trusted DMA is enabled',
    derive: (runs) => {
      const host = runs.find(LIFECYCLE, 'iommu.setup-trusted');
      const guest = runs.find(LIFECYCLE, 'guest.enable-dma');
      if (!host || !guest) return undefined;
      const ops = (f: typeof host): string => runs.callsOf(f).map((c) => c.op).join(', ') || 'no call';
      return cellFrom(LIFECYCLE, guest.record, `host at bind: ${ops(host)}; guest: ${ops(guest)}`);
    },
  },
  {
    id: 'unbind-order',
    question: 'the unbind order',
    derive: (runs) => {
      const { order, first } = orderOf(runs, LIFECYCLE, 'unbind', TEARDOWN);
      return first ? cellFrom(LIFECYCLE, first, order) : undefined;
    },
  },
  ...(['flr-bound', 'flr-bound-pci-blocks'] as const).map(
    (scenario): Question => ({
      id: scenario === 'flr-bound' ? 'flr-default-policy' : 'flr-pci-blocks',
      question: `FLR on a bound TDI (${scenario === 'flr-bound' ? "the arch's policy" : 'policy pci-blocks'})`,
      derive: (runs) => {
        const flr = runs.find(scenario, 'pci.flr');
        if (!flr?.record.after) return undefined;
        const before = orderOf(runs, scenario, 'flr', [...TEARDOWN, 'vfio.revoke-mmio']).order;
        const reset = flr.record.result === 'ok' ? `reset after ${before}` : `reset refused (${flr.record.result})`;
        return cellFrom(scenario, flr.record, `${runs.flrPolicyOf(scenario)}: ${reset}; TDI ${flr.record.after.tdisp}`);
      },
    }),
  ),
  {
    id: 'vm-destroy-bound',
    question: 'is VM destroy with a bound device refused',
    derive: (runs) => {
      const scenario = 'tdx-vm-destroy-with-tdi';
      const destroy = runs.find(scenario, 'vm.destroy');
      if (!destroy) return undefined;
      const refused = failedCall(runs, destroy) ?? (destroy.record.result === 'ok' ? undefined : destroy.record.result);
      return cellFrom(scenario, destroy.record, refused ? `refused: ${refused}` : 'not refused: the VM goes with the TDI bound');
    },
  },
  {
    id: 'vfio-close-bound',
    question: 'what close() of the VFIO device while bound does',
    derive: (runs) => {
      const scenario = 'vfio-close-while-bound';
      const close = runs.find(scenario, 'vfio.close', 'vfioClose');
      if (!close) return undefined;
      const { order } = orderOf(runs, scenario, 'vfioClose', [...TEARDOWN, 'iommufd.vdevice-destroy']);
      return cellFrom(scenario, close.record, `${close.record.result}${order ? ` after ${order}` : ''}`);
    },
  },
  {
    id: 'relock-before-accept',
    question: 'how the guest detects a relock between evidence and accept',
    derive: (runs) => {
      const scenario = 'host-relock-before-accept';
      const accept = runs.find(scenario, 'guest.accept-mmio');
      if (!accept) return undefined;
      const calls = runs.callsOf(accept).map((c) => c.op).join(', ');
      return cellFrom(scenario, accept.record, `accept ${accept.record.result}${calls ? ` after ${calls}` : ''}`);
    },
  },
];
