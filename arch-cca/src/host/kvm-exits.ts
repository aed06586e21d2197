import { type FwResult, OK, TRACER, type Tracer, type VmId, fail, ok } from '@teeio/core';
import { inject, injectable } from 'tsyringe';
import type { CacheObject } from '../codes.js';
import { RmmFirmware } from '../firmware/rmm.js';
import type { RecExitHandler } from '../firmware/rsi.js';
import { GRANULE } from '../firmware/granule-runs.js';
import { RttDevCalls } from '../firmware/rtt-dev.js';
import { VdevCalls } from '../firmware/vdev.js';
import { CcaHostDriver, retryBusy } from './driver.js';

/** RHI_DA_VDEV_SET_TDI_STATE's target states (DEN0148). */
export type RhiTdiState = 'LOCKED' | 'RUN' | 'UNLOCKED';

/** What a host may do wrong on purpose, for the scenarios and tests of a hostile host. */
export interface HostMisbehaviour {
  /** Ignore RMI_EXIT_VDEV_REQUEST: never answer RMI_VDEV_COMPLETE. */
  ignoreVdevRequests?: boolean;
  /** Reject every RMI_EXIT_DEV_MEM_MAP (REC_ENTRY_FLAG_DEV_MEM_RESPONSE). */
  rejectDevMemMap?: boolean;
}

/**
 * KVM's handling of a REC's device-assignment exits and of the realm's RHI host calls (host
 * v3 forwards them to the VMM as KVM_EXIT_ARM64_TIO; the VMM completes them through TSM
 * guest_req). RMI_EXIT_VDEV_REQUEST is answered with RMI_VDEV_COMPLETE; RMI_EXIT_DEV_MEM_MAP
 * with RMI_RTT_DEV_VALIDATE when the host mapped that range, with a rejection otherwise;
 * RHI calls run the host's VDEV operations or read its evidence cache.
 */
@injectable()
export class CcaKvmExits implements RecExitHandler {
  readonly misbehave: HostMisbehaviour = {};

  constructor(
    @inject(RmmFirmware) private readonly fw: RmmFirmware,
    @inject(VdevCalls) private readonly vdevs: VdevCalls,
    @inject(RttDevCalls) private readonly rtt: RttDevCalls,
    @inject(CcaHostDriver) private readonly host: CcaHostDriver,
    @inject(TRACER) private readonly tracer: Tracer,
  ) {}

  /** The exit as KVM sees it (KVM_EXIT_ARM64_TIO to the VMM), with what the host answered. */
  private exited(reason: string, args: Record<string, string>, answer: string): void {
    this.tracer.record({ actor: 'kvm', op: reason, args, result: answer });
  }

  vdevRequest(vm: VmId, vdevId: number): void {
    const v = this.fw.vdevOfRealm(vm, vdevId);
    const answer = this.misbehave.ignoreVdevRequests || !v ? 'not completed' : 'RMI_VDEV_COMPLETE';
    this.exited('RMI_EXIT_VDEV_REQUEST', { vm, vdevId: `0x${vdevId.toString(16)}` }, answer);
    if (v && !this.misbehave.ignoreVdevRequests) this.tracer.as('vmm', () => this.vdevs.complete(vm, v.tdi));
  }

  devMemMap(vm: VmId, exit: { base: bigint; top: bigint; pa: bigint }): 'ACCEPT' | 'REJECT' {
    const range = this.fw.state.host.devMem[vm]?.[`0x${exit.base.toString(16)}`];
    const pages = Number((exit.top - exit.base) / GRANULE);
    const mapped = !this.misbehave.rejectDevMemMap && range !== undefined && BigInt(range.hpa) === exit.pa && range.pages === pages;
    this.exited('RMI_EXIT_DEV_MEM_MAP', { vm, base: `0x${exit.base.toString(16)}`, top: `0x${exit.top.toString(16)}`, pa: `0x${exit.pa.toString(16)}` }, mapped ? 'RMI_RTT_DEV_VALIDATE' : 'REJECT');
    if (!mapped) return 'REJECT';
    const r = this.tracer.as('vmm', () => this.rtt.validate(vm, exit.base, exit.pa, pages));
    return r.ok ? 'ACCEPT' : 'REJECT';
  }

  /**
   * RHI_DA_VDEV_SET_TDI_STATE: LOCKED is already done (host v3 locks at bind); RUN is
   * RMI_VDEV_START and its communicate (in-kernel, rmi_vdev_start); UNLOCKED is RMI_VDEV_UNLOCK
   * and its communicate, which the RMM refuses while device memory is mapped.
   */
  setTdiState(vm: VmId, vdevId: number, state: RhiTdiState): FwResult {
    const v = this.fw.vdevOfRealm(vm, vdevId);
    if (!v) return fail('-ENODEV', `${vm} has no vdev_id ${vdevId}`);
    const tdi = v.tdi;
    switch (state) {
      case 'LOCKED':
        return v.state === 'LOCKED' ? OK : this.run(() => this.vdevs.lock(tdi), () => this.host.vdevOp(tdi, 'LOCKED'));
      case 'RUN':
        return this.run(() => this.vdevs.start(tdi), () => this.host.vdevOp(tdi, 'STARTED'));
      case 'UNLOCKED':
        return v.state === 'UNLOCKED' ? OK : this.run(() => this.vdevs.unlock(tdi), () => this.host.vdevOp(tdi, 'UNLOCKED'));
    }
  }

  private run(start: () => FwResult, pump: () => FwResult): FwResult {
    const r = retryBusy(start);
    return r.ok ? pump() : r;
  }

  /** RHI_DA_OBJECT_READ: an object from the host's cache (untrusted: the realm checks its digest). */
  objectRead(vm: VmId, vdevId: number, object: CacheObject): FwResult<string> {
    const v = this.fw.vdevOfRealm(vm, vdevId);
    const cache = v && (object === 'CERTIFICATE' || object === 'VCA' ? this.fw.state.host.pdevs[v.pdev] : this.fw.state.host.vdevs[v.tdi]);
    const data = cache?.[object];
    return data === undefined ? fail('-ENOENT', `the host has no ${object} for vdev_id ${vdevId} of ${vm}`) : ok(data);
  }
}
