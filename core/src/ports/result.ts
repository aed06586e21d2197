/**
 * The outcome of a firmware call as a value: plans react to failures (unwind, retry with
 * force, kill the VM), so a vendor error is data, not an exception. `code` is the vendor's own
 * name for the status (TDX_DEVIF_TDISP_INVALID_STATE, SEV_RET_INVALID_PARAM, RMI_ERROR_DEVICE…).
 */
export type FwResult<T = undefined> = FwOk<T> | FwErr;

export interface FwOk<T> {
  readonly ok: true;
  readonly value: T;
}

export interface FwErr {
  readonly ok: false;
  readonly code: string;
  /** The host treats this failure as fatal for the VM (KVM_BUG_ON on TDX S-EPT MMIO errors). */
  readonly fatal?: boolean;
  /** What the failure was about, for the trace. */
  readonly detail?: string;
}

export const OK: FwOk<undefined> = Object.freeze({ ok: true, value: undefined });

export function ok<T>(value: T): FwOk<T> {
  return { ok: true, value };
}

export function fail(code: string, detail?: string, fatal?: boolean): FwErr {
  return { ok: false, code, ...(detail === undefined ? {} : { detail }), ...(fatal ? { fatal } : {}) };
}
