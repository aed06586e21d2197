import type { ResetKind } from '../../host/pci.js';
import type { Bdf, VmId } from '../../model/ids.js';
import { type FwOk, type FwResult, ok } from '../../ports/result.js';
import type { World } from '../../world/world.js';

/** What a step acts on; which fields a step needs depends on the step. */
export interface StepTarget {
  readonly tdi?: Bdf;
  readonly vm?: VmId;
  readonly dsm?: Bdf;
  /** For the VFIO reset path: which reset VFIO was asked for (an FLR when absent). */
  readonly reset?: ResetKind;
}

/** A TDI with the VM it is assigned to, its guest Requester ID and its DSM. */
export interface TdiTarget {
  readonly tdi: Bdf;
  readonly vm: VmId;
  readonly dsm: Bdf;
  readonly guestRid: number;
}

/** `skipped` when the step had nothing to do (an unwind reaching a step whose object is gone). */
export type StepResult = FwResult<'skipped' | undefined>;
export const SKIPPED: FwOk<'skipped'> = Object.freeze(ok('skipped' as const));

export type StepImpl = (w: World, t: StepTarget) => StepResult;

/** Thrown for a step given a target it cannot act on: a scenario error, not a firmware one. */
export class StepTargetError extends Error {
  override readonly name = 'StepTargetError';
}

export function tdiTarget(w: World, t: StepTarget, step: string): TdiTarget {
  if (t.tdi === undefined) throw new StepTargetError(`step ${step} needs a TDI`);
  const a = w.assignment(t.tdi);
  return { tdi: t.tdi, vm: a.vm, dsm: w.link.dsmOf(t.tdi), guestRid: a.guestRid };
}

export function vmTarget(t: StepTarget, step: string): VmId {
  if (t.vm === undefined) throw new StepTargetError(`step ${step} needs a VM`);
  return t.vm;
}

export function dsmTarget(t: StepTarget, step: string): Bdf {
  if (t.dsm === undefined) throw new StepTargetError(`step ${step} needs a DSM`);
  return t.dsm;
}

/** Runs `work` when `applies`, else reports the step skipped. */
export function when(applies: boolean, work: () => StepResult): StepResult {
  return applies ? work() : SKIPPED;
}
