import { type CallArgs, FIRMWARE_CALLS, type FirmwareCalls, type FirmwareState, type FwResult, RuleSwitches, fail, inject, injectable } from '@teeio/core';
import type { Status } from '../codes.js';
import { MODEL_OPTIONS, type ModelOptions, type RuleId } from '../rules.js';
import { type FirmwareModelState, initialState } from './state.js';

/**
 * The firmware's state and what every call shares: the call gate (each call goes through the
 * core's FirmwareCalls, traced by the vendor's name and subject to fail_nth) and the rule
 * switches. One instance per run, shared by the object files beside it (vm.ts, device.ts, tdi.ts).
 */
@injectable()
export class FirmwareModel implements FirmwareState {
  state: FirmwareModelState = initialState();
  private readonly rules: RuleSwitches<RuleId>;

  constructor(
    @inject(FIRMWARE_CALLS) private readonly calls: FirmwareCalls,
    @inject(MODEL_OPTIONS) options: ModelOptions,
  ) {
    this.rules = new RuleSwitches(options);
  }

  snapshot(): unknown {
    return structuredClone(this.state);
  }

  restore(state: unknown): void {
    this.state = structuredClone(state as FirmwareModelState);
  }

  /** Whether the model enforces `rule` in this run (all do, unless a run ablates some). */
  enforces(rule: RuleId): boolean {
    return this.rules.enforces(rule);
  }

  /** A firmware call by its vendor name (TODO: your firmware's call names). */
  call<T>(op: string, args: CallArgs, run: () => FwResult<T>): FwResult<T> {
    return this.calls.call(op, args, run);
  }

  /** A failure with the firmware's status and what it was about. */
  static fail(status: Status, detail: string): FwResult<never> {
    return fail(status, detail);
  }
}
