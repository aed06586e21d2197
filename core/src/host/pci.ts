import type { Bdf, VmId } from '../model/ids.js';
import { type FwResult, OK, ok } from '../ports/result.js';
import { toHex } from '../wire/index.js';
import type { World } from '../world/world.js';
import { Errno, errno } from './errno.js';
import type { PciFunctionState } from './state.js';

/** The PCI core's record of `bdf`. */
export function pdev(w: World, bdf: Bdf): PciFunctionState {
  const f = w.host.pci[bdf];
  if (!f) throw new RangeError(`no PCI function ${bdf}`);
  return f;
}

/** Functions managed by `dsm` (itself included). */
export function functionsOf(w: World, dsm: Bdf): Bdf[] {
  return Object.entries(w.host.pci)
    .filter(([, f]) => f.dsm === dsm)
    .map(([bdf]) => bdf);
}

/**
 * tsm/connect (pci_tsm_connect): only a DSM, function 0, may connect (-ENXIO otherwise), once
 * (-EBUSY); the TSM sets up SPDM and IDE with it.
 */
export function pciTsmConnect(w: World, dsm: Bdf): FwResult {
  const f = pdev(w, dsm);
  if (f.dsm !== dsm) return errno(Errno.ENXIO, `${dsm} is not a DSM (function 0)`);
  if (f.connected) return errno(Errno.EBUSY, `${dsm} is already connected`);
  const r = w.ports.tsm.connect(dsm);
  if (r.ok) f.connected = true;
  return r;
}

/**
 * tsm/disconnect: the caller has unbound every TDI first (pci_tsm_unbind_all; the disconnect
 * flow runs the arch's unbind for each). A TDI still bound (its unbind failed, or disconnect
 * came as a single step or an unwind) keeps the DSM connected: -EBUSY, so no binding ever
 * outlives the SPDM session it is operated through.
 */
export function pciTsmDisconnect(w: World, dsm: Bdf): FwResult {
  const f = pdev(w, dsm);
  if (!f.connected) return errno(Errno.EINVAL, `${dsm} is not connected`);
  const bound = boundTdis(w, dsm);
  if (bound.length > 0) return errno(Errno.EBUSY, `${dsm} still has bound TDIs: ${bound.join(', ')}`);
  const r = w.ports.tsm.disconnect(dsm, false);
  if (r.ok) f.connected = false;
  return r;
}

/**
 * pci_tsm_bind: the DSM must be connected; a second bind to the same VM is a no-op and to
 * another VM -EBUSY. The host keeps its copy of the report the TSM hands back.
 */
export function pciTsmBind(w: World, tdi: Bdf, vm: VmId, tdiId: number): FwResult {
  const f = pdev(w, tdi);
  if (!pdev(w, f.dsm).connected) return errno(Errno.ENXIO, `the DSM ${f.dsm} of ${tdi} is not connected`);
  if (f.bound) return f.bound.vm === vm ? OK : errno(Errno.EBUSY, `${tdi} is bound to ${f.bound.vm}`);
  const r = w.ports.tsm.bind(tdi, vm, tdiId);
  if (!r.ok) return r;
  f.bound = { vm, tdiId, report: toHex(r.value) };
  return OK;
}

/** pci_tsm_unbind: releases the TDI's firmware context; the host forgets the binding. */
export function pciTsmUnbind(w: World, tdi: Bdf): FwResult {
  const f = pdev(w, tdi);
  const r = w.ports.tsm.unbind(tdi);
  if (r.ok) delete f.bound;
  return r;
}

/** TDIs of `dsm` that are bound. */
export function boundTdis(w: World, dsm?: Bdf): Bdf[] {
  return Object.entries(w.host.pci)
    .filter(([, f]) => f.bound && (dsm === undefined || f.dsm === dsm))
    .map(([bdf]) => bdf);
}

/** A reset or loss of BME/MSE: the device reacts, and the host counts it for the invariants. */
function reset(w: World, bdfs: readonly Bdf[]): void {
  for (const b of bdfs) pdev(w, b).resetEpoch++;
}

/** A config write to the Command register. Clearing BME or MSE is a device event. */
export function pciSetCommand(w: World, bdf: Bdf, bits: { bme?: boolean; mse?: boolean }): FwResult {
  const f = pdev(w, bdf);
  if (bits.bme === false && f.bme) w.link.event(bdf, (requesterId) => ({ kind: 'BME_CLEAR', requesterId }));
  if (bits.mse === false && f.mse) w.link.event(bdf, (requesterId) => ({ kind: 'MSE_CLEAR', requesterId }));
  if ((bits.bme === false && f.bme) || (bits.mse === false && f.mse)) reset(w, [bdf]);
  f.bme = bits.bme ?? f.bme;
  f.mse = bits.mse ?? f.mse;
  return OK;
}

/**
 * The resets VFIO performs for the VMM (VFIO_DEVICE_RESET, a hot reset, a D3hot transition, a
 * config write clearing MSE or BME): each sends a locked TDI it reaches to ERROR, which is why
 * VFIO unbinds a bound TDI before any of them ([HOST-RFC] 20/30).
 */
export const RESET_KINDS = ['flr', 'hot-reset', 'd3', 'mse-clear', 'bme-clear'] as const;
export type ResetKind = (typeof RESET_KINDS)[number];

/**
 * The functions a reset of `bdf` reaches: an FLR or a D3hot→D0 transition the function and, for
 * a PF, its VFs ("a PF reset affects all subordinate VF TDIs"); a hot (secondary bus) reset every
 * function of the device; a Command register write only the function.
 */
export function resetScope(w: World, bdf: Bdf, kind: ResetKind = 'flr'): Bdf[] {
  if (kind === 'hot-reset') return functionsOf(w, pdev(w, bdf).dsm);
  if (kind === 'mse-clear' || kind === 'bme-clear') return [bdf];
  return [bdf, ...w.link.vfsOf(bdf)];
}

/**
 * A Function Level Reset (pci_reset_function). It clears the Command register of the function
 * and, for a PF, reaches its VFs; the device sends a locked TDI to ERROR.
 */
export function pciFlr(w: World, bdf: Bdf): FwResult<string[]> {
  return ok(pciFlrScope(w, bdf));
}

/** Resets `bdf` and its VFs; the TDIs the device sent to ERROR. */
function pciFlrScope(w: World, bdf: Bdf): string[] {
  const scope = resetScope(w, bdf);
  const moved = w.link.event(bdf, (requesterId) => ({ kind: 'FLR', requesterId }));
  reset(w, scope);
  for (const b of scope) Object.assign(pdev(w, b), { bme: false, mse: false });
  return moved;
}

/** A reset of the given kind. D3hot→D0 loses function state as an FLR does; a hot reset resets every PF. */
export function pciReset(w: World, bdf: Bdf, kind: ResetKind): FwResult<string[]> {
  switch (kind) {
    case 'mse-clear':
    case 'bme-clear': {
      pciSetCommand(w, bdf, kind === 'mse-clear' ? { mse: false } : { bme: false });
      return ok([]);
    }
    case 'hot-reset': {
      // Every PF is reset, and each PF's reset reaches its VFs.
      const moved = resetScope(w, bdf, kind).filter((b) => !w.link.isVf(b)).flatMap((pf) => pciFlrScope(w, pf));
      return ok(moved);
    }
    default:
      return pciFlr(w, bdf);
  }
}

/** A write to a BAR of `bdf`. */
export function pciBarWrite(w: World, bdf: Bdf, bar: number): FwResult {
  w.link.event(bdf, (requesterId) => ({ kind: 'BAR_WRITE', requesterId, bar }));
  return OK;
}

/** What `/sys/bus/pci/devices/<bdf>/tsm/{connect,bound,dsm}` read. */
export function tsmSysfs(w: World, bdf: Bdf, tsmName = 'tsm0'): { connect: string; bound: string; dsm: string } {
  const f = pdev(w, bdf);
  return { connect: f.dsm === bdf && f.connected ? tsmName : '', bound: f.bound ? tsmName : '', dsm: pdev(w, f.dsm).connected ? f.dsm : '' };
}
