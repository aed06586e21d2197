import { type ResetKind, boundTdis, pciBarWrite, pciReset, resetScope } from '../host/pci.js';
import { kvmKill } from '../host/kvm.js';
import { teeRangesOfHex } from '../host/mmio-layout.js';
import { hostMapsMmio } from '../host/vfio.js';
import type { Engine, FlowOutcome } from '../lifecycle/engine.js';
import type { StepTarget } from '../lifecycle/steps/step.js';
import type { Bdf } from '../model/ids.js';
import { rangeBase } from '../wire/index.js';
import type { World } from '../world/world.js';
import type { ScenarioAction } from './scenario.js';

/** What executing one scenario action produced, beyond the trace. */
export interface ActionOutcome {
  readonly flows: FlowOutcome[];
}

const none: ActionOutcome = { flows: [] };

/** The VM, TDI and DSM an action is about, filled in from the assignment. */
function targetOf(w: World, a: ScenarioAction): StepTarget {
  const vm = a.vm ?? (a.tdi ? w.assignment(a.tdi).vm : undefined);
  const dsm = a.dsm ?? (a.tdi ? w.link.dsmOf(a.tdi) : undefined);
  // Only the fields that are set: the target is also the step's trace arguments.
  const t: { tdi?: string; vm?: string; dsm?: string } = {};
  if (a.tdi) t.tdi = a.tdi;
  if (vm) t.vm = vm;
  if (dsm) t.dsm = dsm;
  return t;
}

/** The TDIs a VM-wide flow covers: the one named, or every TDI assigned to the VM. */
function tdisOf(w: World, t: StepTarget): Bdf[] {
  if (t.tdi) return [t.tdi];
  return w.spec.assignments.filter((a) => a.vm === t.vm).map((a) => a.tdi);
}

function runFlow(w: World, e: Engine, flow: Parameters<Engine['flow']>[0], t: StepTarget): ActionOutcome {
  // pci_tsm_disconnect unbinds every TDI of the DSM first (pci_tsm_unbind_all).
  if (flow === 'disconnect' && t.dsm) {
    const unbinds = boundTdis(w, t.dsm).map((tdi) => e.flow('unbind', { tdi, vm: w.assignment(tdi).vm, dsm: t.dsm }));
    return { flows: [...unbinds, e.flow('disconnect', t)] };
  }
  // "Unbind the TDI first, then revoke MMIOs, then do FLR" (linux-tsm-core §3); a reset reaches
  // more than the TDI (a PF's its VFs, a hot reset the whole device), so every other bound TDI
  // it reaches is unbound before the reset plan runs.
  if (flow === 'flr' && t.tdi) {
    const tdi = t.tdi;
    const vfs = resetScope(w, tdi, t.reset).filter((b) => b !== tdi && w.host.pci[b]?.bound);
    const unbinds = vfs.map((fn) => e.flow('unbind', { tdi: fn, vm: w.assignment(fn).vm, dsm: w.link.dsmOf(fn) }));
    return { flows: [...unbinds, e.flow('flr', t)] };
  }
  if (flow === 'vmDestroy' || (flow !== 'connect' && !t.tdi && t.vm)) return { flows: tdisOf(w, t).map((tdi) => e.flow(flow, { ...t, tdi })) };
  return { flows: [e.flow(flow, t)] };
}

/** A hypervisor load or store at each TEE range of the TDI, with whatever it causes. */
function hostTouch(w: World, tdi: Bdf, write: boolean): void {
  const fixed = w.link.lockedInterface(tdi);
  const host = w.host.pci[tdi]?.bound?.report;
  const ranges = fixed ? fixed.report.mmioRanges.map((r) => rangeBase(r) - fixed.mmioReportingOffset) : host ? teeRangesOfHex(host, 0).map((r) => r.hpa) : [];
  for (const hpa of ranges) {
    const o = w.ports.mmio.hostAccess(hpa, hostMapsMmio(w, tdi), write);
    w.tracer.record({ actor: 'vmm', op: `hypervisor ${write ? 'write to' : 'read of'} private MMIO`, args: { tdi, hpa: `0x${hpa.toString(16)}` }, result: o.reaches ? `reached the device (${o.effect})` : o.effect, ...(o.fatal ? { fatal: true as const } : {}) });
    if (o.fatal) kvmKill(w, w.assignment(tdi).vm, o.effect);
  }
}

/** The guest uses the device: a load from each accepted range, and a T=1 DMA. */
function guestUse(w: World, tdi: Bdf): void {
  const { vm, guestRid } = w.assignment(tdi);
  const d = w.guests[vm]?.devices[tdi];
  const ranges = d?.evidence ? teeRangesOfHex(d.evidence.blobs.interfaceReport, guestRid).filter((r) => d.accepted.includes(r.rangeIndex)) : [];
  for (const r of ranges) {
    const o = w.ports.mmio.guestAccess(vm, r.gpa, false);
    w.tracer.record({ actor: 'guest', op: 'MMIO read', args: { tdi, gpa: `0x${r.gpa.toString(16)}` }, result: o.reaches ? 'ok' : o.effect });
  }
  const dma = w.link.tdiState(tdi) === 'RUN' && w.ports.iommu.t1Translates(vm, tdi);
  w.tracer.record({ actor: 'device', op: 'T=1 DMA to guest memory', args: { tdi, vm }, result: dma ? 'ok' : 'blocked' });
}

/** What a reset event does when nothing says how it arrives: resets come through VFIO, config writes directly. */
const DIRECT_BY_DEFAULT: ReadonlySet<ResetKind> = new Set(['mse-clear', 'bme-clear']);

const DIRECT_OP: Record<ResetKind, string> = {
  flr: 'surprise FLR',
  'hot-reset': 'surprise secondary bus reset',
  d3: 'D3hot transition behind VFIO',
  'mse-clear': 'config write: clear Memory Space Enable',
  'bme-clear': 'config write: clear Bus Master Enable',
};

/**
 * A reset. Straight to the device (a surprise reset, a config write bypassing VFIO) it just
 * happens; through VFIO the FLR policy decides (the seed thread's question): the PCI core
 * refuses while a TDI it reaches is bound, or VFIO unbinds, revokes, then resets.
 */
function resetEvent(w: World, e: Engine, kind: ResetKind, via: 'vfio' | 'device' | undefined, t: StepTarget): ActionOutcome {
  const tdi = t.tdi ?? '';
  if ((via ?? (DIRECT_BY_DEFAULT.has(kind) ? 'device' : 'vfio')) === 'device') {
    w.tracer.record({ actor: 'pci', op: DIRECT_OP[kind], args: { function: tdi }, result: 'ok' });
    pciReset(w, tdi, kind);
    return none;
  }
  const target = { ...t, reset: kind };
  if (w.flrPolicy === 'pci-blocks') {
    e.step('pci.flr', target);
    return none;
  }
  return runFlow(w, e, 'flr', target);
}

/** Device events, through the PCI core so the host counts resets for the invariants. */
function deviceEvent(w: World, e: Engine, a: Extract<ScenarioAction, { event: string }>, t: StepTarget): ActionOutcome {
  const tdi = t.tdi ?? t.dsm ?? '';
  const record = (op: string) => w.tracer.record({ actor: 'pci', op, args: { function: tdi }, result: 'ok' });
  switch (a.event) {
    case 'flr':
    case 'hot-reset':
    case 'd3':
    case 'bme-clear':
    case 'mse-clear':
      return resetEvent(w, e, a.event, 'via' in a ? a.via : undefined, t);
    case 'bar-write':
      record(`config write: BAR${'bar' in a ? (a.bar ?? 0) : 0}`);
      pciBarWrite(w, tdi, 'bar' in a ? (a.bar ?? 0) : 0);
      return none;
    case 'ide-insecure': {
      const streamId = 'streamId' in a ? (a.streamId ?? 0) : 0;
      w.link.event(t.dsm ?? tdi, () => ({ kind: 'IDE_STREAM_INSECURE', portIndex: 0, streamId }));
      return none;
    }
    case 'device-error':
      w.link.event(tdi, (requesterId) => ({ kind: 'DEVICE_ERROR', requesterId }));
      return none;
    default:
      return hostEvent(w, e, a, t);
  }
}

function hostEvent(w: World, e: Engine, a: Extract<ScenarioAction, { event: string }>, t: StepTarget): ActionOutcome {
  switch (a.event) {
    case 'host-touch-private-mmio':
      hostTouch(w, t.tdi ?? '', 'write' in a && a.write === true);
      return none;
    case 'host-relock': {
      // The host unlocks and locks again behind the guest's back; the guest must notice.
      w.tracer.record({ actor: 'vmm', op: 'unlock and relock behind the guest', args: { tdi: t.tdi ?? '' }, result: 'ok' });
      return { flows: [e.flow('unbind', t), e.flow('bind', t)] };
    }
    case 'host-replay-evidence':
      w.relay.replay = true;
      w.tracer.record({ actor: 'vmm', op: 'relay old evidence blobs from now on', result: 'ok' });
      return none;
    case 'guest-crash': {
      const vm = t.vm ?? '';
      const g = w.guests[vm];
      if (g) g.crashed = true;
      w.tracer.record({ actor: 'guest', op: 'crash', args: { vm }, result: 'ok' });
      return none;
    }
    default:
      throw new RangeError(`unknown event ${a.event}`);
  }
}

/** Executes one scenario action. */
export function runAction(w: World, e: Engine, a: ScenarioAction): ActionOutcome {
  const t = targetOf(w, a);
  if ('flow' in a) return runFlow(w, e, a.flow, t);
  if ('step' in a) {
    e.step(a.step, t, a.as ? { caller: a.as } : {});
    return none;
  }
  if ('use' in a) {
    guestUse(w, t.tdi ?? '');
    return none;
  }
  return deviceEvent(w, e, a, t);
}
