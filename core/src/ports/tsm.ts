import type { Bdf, VmId } from '../model/ids.js';
import type { FwResult } from './result.js';

/** Guest requests that change a TDI's state (pci_tsm_req_scope STATE_CHANGE). */
export type TdiStateChange = 'RUN' | 'UNLOCK';

/** What the platform TSM holds, in arch-neutral terms (checked by the invariants). */
export interface TsmView {
  /** DSMs with an SPDM session. */
  readonly sessions: readonly Bdf[];
  /** IDE streams programmed between a root port and a DSM. */
  readonly ideStreams: readonly { readonly dsm: Bdf; readonly streamId: number }[];
  /** TDI contexts the firmware keeps, and the VM each is bound to. */
  readonly tdis: readonly { readonly tdi: Bdf; readonly vm: VmId }[];
  /** VMs the firmware knows. */
  readonly vms: readonly VmId[];
}

/**
 * The platform TSM: device security, TDI binding and guest requests. The counterpart of the
 * kernel's `struct pci_tsm_ops` (link ops: connect, disconnect, bind, unbind, guest_req) plus
 * the firmware's view of VMs, since TDI ownership is tied to them.
 *
 * | op | TDX Connect | SEV-TIO | CCA |
 * |---|---|---|---|
 * | createVm / destroyVm | TD create / teardown | SNP guest context | RMI_REALM_CREATE / _DESTROY |
 * | connect | TDH.SPDM.CREATE, .CONNECT, TDH.IDE.STREAM.* | TIO_DEV_CREATE, TIO_DEV_CONNECT | RMI_PDEV_CREATE, _COMMUNICATE |
 * | bind | TDI create + LOCK | TIO_TDI_CREATE, TIO_TDI_BIND | RMI_VDEV_CREATE, RMI_VDEV_LOCK |
 * | stop | TDISP STOP through the module | TIO_TDI_UNBIND | RMI_VDEV_UNLOCK + COMMUNICATE |
 * | unbind | TDI reclaim, metadata free | TIO_TDI_RECLAIM | RMI_VDEV_DESTROY |
 * | guestRequest | TDG.TDI.START → TDH.TDI.START | TIO_OP RUN → TIO_TDI_BIND(RUN_FORCE) | RHI set_tdi_state → RMI_VDEV_START |
 *
 * Every call is made through the core's FirmwareCalls gate, which traces it and applies fault
 * injection.
 */
export interface TsmPort {
  createVm(vm: VmId): FwResult;
  /** Fails, where the arch requires it, while the VM still has TDIs (RMI_REALM_DESTROY). */
  destroyVm(vm: VmId): FwResult;
  /** SPDM session and IDE streams with a DSM (function 0), relayed over its DOE mailbox. */
  connect(dsm: Bdf): FwResult;
  /** Tears the session and streams down; refused while TDIs are bound unless `force`. */
  disconnect(dsm: Bdf, force: boolean): FwResult;
  /**
   * Creates the TDI's firmware context for `vm` and locks it (TDISP LOCK): CONFIG_LOCKED.
   * Yields the interface report as the host receives it (SEV's TIO_TDI_BIND outputs it; CCA's
   * host caches it): the host maps private MMIO from it, the guest verifies it separately.
   */
  bind(tdi: Bdf, vm: VmId, guestRid: number): FwResult<Uint8Array>;
  /** TDISP STOP through the firmware: CONFIG_UNLOCKED. */
  stop(tdi: Bdf): FwResult;
  /** Releases the TDI's firmware context (ownership reclaim, metadata free). */
  unbind(tdi: Bdf): FwResult;
  /** A state change the guest asked for, carried out with the firmware. */
  guestRequest(vm: VmId, tdi: Bdf, change: TdiStateChange): FwResult;
  view(): TsmView;
}
