import { type Bdf, type CallArgs, FIRMWARE_CALLS, type FirmwareCalls, type FirmwareState, type FwResult, RuleSwitches, type VmId, clonePlain, fail } from '@teeio/core';
import { inject, injectable } from 'tsyringe';
import { TDX } from '../codes.js';
import { TDX_MODEL_OPTIONS, type TdxModelOptions, type TdxRuleId } from '../rules.js';
import { type DevifState, type IdeStreamState, type InFlightCall, type RelayRequest, type SpdmState, type TdState, type TdxState, initialTdxState } from './state.js';

/** The next thing an extension call does: ask the host to relay a message, or finish. */
export type ExtStep = { readonly relay: RelayRequest; readonly phase: string } | { readonly done: FwResult };

/** One resumable extension call: its start and what it does with each relayed response. */
export interface ExtHandler {
  begin(call: InFlightCall): ExtStep;
  resume(call: InFlightCall, response: string): ExtStep;
  /** The host reported the transfer failed: undo what the call had started. */
  abandon?(call: InFlightCall): void;
}

/** What the host hands back when it resumes a relayed call: the response page, or why it is empty. */
export type Transfer = { readonly response: string } | { readonly failed: string };

/**
 * The TDX module's state and the machinery every SEAMCALL/TDCALL shares: the call gate (every
 * call goes through the core's FirmwareCalls, traced by its TDX name and subject to fail_nth),
 * the extension-call slot, and the rule switches. One instance per run, shared by the module's
 * call classes; the host-side port classes reach the module only through those calls.
 */
@injectable()
export class TdxFirmware extends RuleSwitches<TdxRuleId> implements FirmwareState {
  state: TdxState = initialTdxState();

  constructor(
    @inject(FIRMWARE_CALLS) private readonly calls: FirmwareCalls,
    @inject(TDX_MODEL_OPTIONS) options: TdxModelOptions,
  ) {
    super(options);
  }

  snapshot(): unknown {
    return clonePlain(this.state);
  }

  restore(state: unknown): void {
    this.state = clonePlain(state as TdxState);
  }

  /** A SEAMCALL or TDCALL by its TDX name. */
  call<T>(op: string, args: CallArgs, run: () => FwResult<T>): FwResult<T> {
    return this.calls.call(op, args, run);
  }

  td(vm: VmId): TdState | undefined {
    return this.state.tds[vm];
  }

  devif(tdi: Bdf): DevifState | undefined {
    return this.state.devifs[tdi];
  }

  spdm(spdmId: number): SpdmState | undefined {
    return this.state.spdm[String(spdmId)];
  }

  stream(handle: number): IdeStreamState | undefined {
    return this.state.streams[String(handle)];
  }

  spdmOfDsm(dsm: Bdf): SpdmState | undefined {
    return Object.values(this.state.spdm).find((s) => s.dsm === dsm);
  }

  streamOfDsm(dsm: Bdf): IdeStreamState | undefined {
    return Object.values(this.state.streams).find((s) => s.dsm === dsm);
  }

  /** The request page of the relayed call on `key`, if one waits for the host. */
  pendingRelay(key: string): RelayRequest | undefined {
    const c = this.state.inFlight;
    return c?.key === key ? c.request : undefined;
  }

  /**
   * Starts an extension call ([L-RFC] "TDX Module Extensions … preemptible calls for long
   * running flows"): one at a time, TDX_OPERAND_BUSY otherwise. A call that needs the device
   * returns TDX_SPDM_REQUEST with the message in its request page and stays in flight until
   * the host resumes it with the response.
   */
  extension(op: string, key: string, args: CallArgs, handler: ExtHandler): FwResult {
    return this.call(op, args, () => {
      const busy = this.state.inFlight;
      if (busy && this.enforces('extension-calls-serialised')) return fail(TDX.OPERAND_BUSY, `${busy.op} (${busy.key}) is in flight`);
      const call: InFlightCall = { op, key, phase: 'begin', ctx: {}, request: { protocol: 'DOE_DISCOVERY', target: '', message: '' } };
      return this.settle(call, handler.begin(call));
    });
  }

  /** Resumes the extension call in flight with the host's transfer. */
  resume(op: string, key: string, args: CallArgs, transfer: Transfer, handler: ExtHandler): FwResult {
    return this.call(op, { ...args, resume: true, transfer: 'failed' in transfer ? transfer.failed : 'ok' }, () => {
      const call = this.state.inFlight;
      // base ABI: resuming a call that is not the interrupted one.
      if (!call || call.op !== op || call.key !== key) return fail('TDX_INVALID_RESUMPTION', `no ${op} on ${key} to resume`);
      if ('failed' in transfer) {
        delete this.state.inFlight;
        handler.abandon?.(call);
        return fail(TDX.SPDM_TRANSFER_FAILED, `the host could not carry the ${call.request.protocol} message: ${transfer.failed}`);
      }
      return this.settle(call, handler.resume(call, transfer.response));
    });
  }

  private settle(call: InFlightCall, step: ExtStep): FwResult {
    if ('relay' in step) {
      call.phase = step.phase;
      call.request = step.relay;
      this.state.inFlight = call;
      return fail(TDX.SPDM_REQUEST, `${step.phase}: relay ${step.relay.protocol} to ${step.relay.target}`);
    }
    const current = this.state.inFlight;
    if (current && current.op === call.op && current.key === call.key) delete this.state.inFlight;
    return step.done;
  }
}

