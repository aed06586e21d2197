import { kvmKill, kvmMapShared, noVm, vmOf } from '../../host/kvm.js';
import { teeRangesOfHex } from '../../host/mmio-layout.js';
import { pdev } from '../../host/pci.js';
import { Errno, errno } from '../../host/errno.js';
import { type FwResult, OK } from '../../ports/result.js';
import type { World } from '../../world/world.js';
import type { StepImpl, TdiTarget } from './step.js';
import { tdiTarget, when } from './step.js';

/** KVM treats a failed private-MMIO operation as fatal for the VM (KVM_BUG_ON in the TDX hooks). */
function fatalToVm(w: World, vm: string, r: FwResult): FwResult {
  if (!r.ok && r.fatal) kvmKill(w, vm, r.code);
  return r;
}

function mapPrivate(w: World, x: TdiTarget): FwResult {
  const bound = pdev(w, x.tdi).bound;
  if (!bound) return errno(Errno.EINVAL, `${x.tdi} is not bound: no report to map from`);
  const missing = noVm(w, x.vm);
  if (missing) return missing;
  const v = vmOf(w, x.vm);
  const mapped = (v.privateMmio[x.tdi] ??= []);
  for (const range of teeRangesOfHex(bound.report, x.guestRid)) {
    if (mapped.some((m) => m.rangeIndex === range.rangeIndex)) continue;
    const r = fatalToVm(w, x.vm, w.ports.mmio.mapPrivate(x.vm, x.tdi, range));
    if (!r.ok) return r;
    mapped.push({ ...range, resetEpoch: pdev(w, x.tdi).resetEpoch });
  }
  return OK;
}

/** KVM removes the TDI's private MMIO from the secure stage-2, range by range. */
export function unmapPrivate(w: World, x: TdiTarget): FwResult {
  const v = vmOf(w, x.vm);
  for (const range of [...(v.privateMmio[x.tdi] ?? [])]) {
    const r = fatalToVm(w, x.vm, w.ports.mmio.unmapPrivate(x.vm, x.tdi, range));
    if (!r.ok) return r;
    v.privateMmio[x.tdi] = (v.privateMmio[x.tdi] ?? []).filter((m) => m.rangeIndex !== range.rangeIndex);
  }
  return OK;
}

export const kvmSteps = {
  'kvm.map-shared-mmio': (w, t) => {
    const x = tdiTarget(w, t, 'kvm.map-shared-mmio');
    if (w.host.vfio[x.tdi]?.sharedRevoked) return errno(Errno.ENODEV, `${x.tdi}: the shared dma-buf is revoked`);
    const missing = noVm(w, x.vm);
    if (missing) return missing;
    kvmMapShared(w, x.vm, x.tdi);
    return OK;
  },
  'kvm.map-private-mmio': (w, t) => mapPrivate(w, tdiTarget(w, t, 'kvm.map-private-mmio')),
  'kvm.unmap-private-mmio': (w, t) => {
    const x = tdiTarget(w, t, 'kvm.unmap-private-mmio');
    return when((w.host.kvm[x.vm]?.privateMmio[x.tdi] ?? []).length > 0, () => unmapPrivate(w, x));
  },
} satisfies Record<string, StepImpl>;
