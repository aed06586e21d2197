import { vdeviceForceDestroy } from '../../host/iommufd.js';
import { assignedVm, kvmPut } from '../../host/kvm.js';
import { pciReset, pdev, resetScope } from '../../host/pci.js';
import { vfioMmap, vfioOpen, vfioRecover, vfioRevoke } from '../../host/vfio.js';
import { Errno, errno } from '../../host/errno.js';
import type { Bdf } from '../../model/ids.js';
import { OK } from '../../ports/result.js';
import { unmapPrivate } from './kvm-steps.js';
import type { World } from '../../world/world.js';
import type { StepImpl } from './step.js';
import { tdiTarget, when } from './step.js';

/**
 * A function of `scope` that KVM still maps as private MMIO. The reset must come after the revoke
 * took effect — "unbind the TDI first, then revoke MMIOs, then do FLR" (Yilun, linux-tsm-core.md
 * §3 FLR); hot reset "revokes, then calls vfio_pci_zap_bars()" (Leon's series). A revoke that
 * failed (an RMP update refused, a TDH.MMIO.UNMAP error) leaves the mapping, so VFIO refuses the
 * reset rather than reset a function a VM still maps (invariant 7).
 */
function privatelyMapped(w: World, scope: readonly Bdf[]): string | undefined {
  return scope.find((b) => (assignedVm(w, b)?.privateMmio[b] ?? []).length > 0);
}

export const vfioSteps = {
  /** Open the cdev; VFIO holds the KVM for the device's lifetime (kvm_get_kvm_safe at bind time on SEV). */
  'vfio.open': (w, t) => {
    const x = tdiTarget(w, t, 'vfio.open');
    const r = vfioOpen(w, x.tdi);
    if (r.ok) w.host.kvm[x.vm]?.holders.push(`vfio:${x.tdi}`);
    return r;
  },
  'vfio.mmap-bars': (w, t) => vfioMmap(w, tdiTarget(w, t, 'vfio.mmap-bars').tdi),
  /**
   * Revoke: the VMM's mappings are zapped and both dma-bufs revoked. KVM imports the private one;
   * dma_buf_move_notify(revoke) makes it unmap the private MMIO at once — which on TDX, under a
   * locked TDI, is the KVM_BUG_ON the seed thread's close() order exists to avoid.
   */
  'vfio.revoke-mmio': (w, t) => {
    const x = tdiTarget(w, t, 'vfio.revoke-mmio');
    return when(w.host.vfio[x.tdi]?.open === true, () => {
      const r = vfioRevoke(w, x.tdi);
      if (!r.ok || (w.host.kvm[x.vm]?.privateMmio[x.tdi] ?? []).length === 0) return r;
      w.tracer.record({ actor: 'vfio', op: 'dma_buf_move_notify(revoke) of the private dma-buf', args: { tdi: x.tdi }, result: 'ok' });
      return w.tracer.as('kvm', () => unmapPrivate(w, x));
    });
  },
  'vfio.recover-mmio': (w, t) => {
    const x = tdiTarget(w, t, 'vfio.recover-mmio');
    return when(w.host.vfio[x.tdi]?.open === true && pdev(w, x.tdi).bound === undefined, () => vfioRecover(w, x.tdi));
  },
  /**
   * close() of the device fd: the VMM's mappings go, a vDEVICE still there is destroyed
   * forcibly, and VFIO's KVM reference is dropped (which may destroy the VM).
   */
  'vfio.close': (w, t) => {
    const x = tdiTarget(w, t, 'vfio.close');
    const d = w.host.vfio[x.tdi];
    return when(d?.open === true, () => {
      if (d) Object.assign(d, { open: false, hostMmap: false });
      vdeviceForceDestroy(w, x.tdi);
      return w.host.kvm[x.vm] ? kvmPut(w, x.vm, `vfio:${x.tdi}`) : OK;
    });
  },
  /**
   * A reset requested through VFIO, of the kind the target names (an FLR by default). With the PCI-blocks policy it is refused while the TDI, or
   * a VF the reset reaches, is bound; with the VFIO-unbinds policy the flow has unbound them and
   * revoked the MMIO before this step.
   */
  'pci.flr': (w, t) => {
    const x = tdiTarget(w, t, 'pci.flr');
    const kind = t.reset ?? 'flr';
    const bound = w.flrPolicy === 'pci-blocks' ? resetScope(w, x.tdi, kind).find((b) => pdev(w, b).bound) : undefined;
    if (bound) return errno(Errno.EBUSY, `${kind} of ${x.tdi} refused: ${bound === x.tdi ? 'the TDI' : `${bound}, which it resets,`} is bound`);
    const mapped = privatelyMapped(w, resetScope(w, x.tdi, kind));
    if (mapped) return errno(Errno.EBUSY, `${kind} of ${x.tdi} refused: ${mapped} is still mapped privately (the revoke failed)`);
    const r = pciReset(w, x.tdi, kind);
    return r.ok ? OK : r;
  },
} satisfies Record<string, StepImpl>;
