import { type Bdf, type CallArgs, FIRMWARE_CALLS, type FirmwareCalls, type FirmwareState, type FwResult, RuleSwitches, type VmId, clonePlain, fail } from '@teeio/core';
import { inject, injectable } from 'tsyringe';
import { type CcaStatus, RMI_STATUS, RSI_STATUS, x0Of } from '../codes.js';
import { CCA_MODEL_OPTIONS, type CcaModelOptions, type CcaRuleId } from '../rules.js';
import { type PdevState, type RealmState, type RmmState, type VdevState, initialRmmState } from './state.js';

const isCcaStatus = (code: string): code is CcaStatus => Object.hasOwn(RMI_STATUS, code) || Object.hasOwn(RSI_STATUS, code);

/**
 * The RMM's state and what every RMI and RSI call shares: the call gate (each call goes
 * through the core's FirmwareCalls, traced by its RMI/RSI name and subject to fail_nth), the
 * return registers, and the rule switches. One instance per run, shared by the call classes
 * (pdev.ts, vdev.ts, rtt-dev.ts, realm.ts, rsi.ts); host and realm code reach the RMM only
 * through those calls.
 */
@injectable()
export class RmmFirmware extends RuleSwitches<CcaRuleId> implements FirmwareState {
  state: RmmState = initialRmmState();
  /** x0's index and x1/x2 the running call returns with its status. */
  private out: { index?: number; x1?: string; x2?: number } = {};

  constructor(
    @inject(FIRMWARE_CALLS) private readonly calls: FirmwareCalls,
    @inject(CCA_MODEL_OPTIONS) options: CcaModelOptions,
  ) {
    super(options);
  }

  snapshot(): unknown {
    return clonePlain(this.state);
  }

  restore(state: unknown): void {
    this.state = clonePlain(state as RmmState);
  }

  /**
   * An RMI or RSI call by its name. After it, `state.regs` holds x0 (status | index << 8) and
   * the outputs the call set with `ret`.
   */
  call<T>(op: string, args: CallArgs, run: () => FwResult<T>): FwResult<T> {
    const outer = this.out;
    this.out = {};
    const r = this.calls.call(op, args, run);
    const x0 = r.ok ? 0 : isCcaStatus(r.code) ? x0Of(r.code, this.out.index) : 0xff;
    this.state.regs = { x0, ...(this.out.x1 === undefined ? {} : { x1: this.out.x1 }), ...(this.out.x2 === undefined ? {} : { x2: this.out.x2 }) };
    this.out = outer;
    return r;
  }

  /** Output registers of the running call (RMI_ERROR_GRANULE's PA in x1, VALIDATE_MAPPING's x1/x2). */
  ret(out: { index?: number; x1?: string; x2?: number }): void {
    Object.assign(this.out, out);
  }

  pdev(id: Bdf): PdevState | undefined {
    return this.state.pdevs[id];
  }

  vdev(tdi: Bdf): VdevState | undefined {
    return this.state.vdevs[tdi];
  }

  realm(vm: VmId): RealmState | undefined {
    return this.state.realms[vm];
  }

  /** The VDEV the realm `vm` knows as `vdevId` (its guest RID). */
  vdevOfRealm(vm: VmId, vdevId: number): VdevState | undefined {
    return Object.values(this.state.vdevs).find((v) => v.realm === vm && v.vdevId === vdevId);
  }

  /** A failure with the RMM's status and what it was about. */
  static fail(status: CcaStatus, detail: string): FwResult<never> {
    return fail(status, detail);
  }
}
