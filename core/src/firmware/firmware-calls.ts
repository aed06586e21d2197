import type { FaultInjector } from '../faults/fault-plan.js';
import { type FwResult, fail } from '../ports/result.js';
import type { TraceArgs, Tracer } from '../trace/tracer.js';

/** Arguments worth showing in a trace (numbers and bigints in hex, the rest as text), made into text only when the trace is read. */
export type CallArgs = TraceArgs;

/**
 * The one door to an arch's firmware. A plugin makes every SEAMCALL, PSP command, RMI or RSI
 * call through `call`, which applies fail_nth injection (answering with the arch's own code
 * for a transient failure) and records the call with the vendor's name and its result.
 */
export class FirmwareCalls {
  constructor(
    private readonly tracer: Tracer,
    private readonly faults: FaultInjector,
    /** The status the arch returns for a transient failure (TDX_OPERAND_BUSY, SEV_RET_BUSY…). */
    private readonly injectedCode: string,
  ) {}

  call<T>(op: string, args: CallArgs, run: () => FwResult<T>): FwResult<T> {
    return this.tracer.span(
      { actor: 'firmware', op, args },
      () => (this.faults.shouldFail('firmware') ? fail(this.injectedCode, 'injected (fail_nth)') : run()),
      (r) => (r.ok ? { result: 'ok' } : { result: r.code, ...(r.fatal ? { fatal: true } : {}) }),
    );
  }
}
