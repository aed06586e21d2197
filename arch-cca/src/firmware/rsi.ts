import { type CallArgs, type FwResult, OK, type VmId, ok } from '@teeio/core';
import { inject, injectable } from 'tsyringe';
import { CCA, DEV_MEM_RESPONSE, type RsiVdevStateName } from '../codes.js';
import { RmmFirmware } from './rmm.js';
import { RTT_DEV } from './dev-mem-runs.js';
import { GRANULE, pieces, update } from './granule-runs.js';
import type { VdevState } from './state.js';

const { fail } = RmmFirmware;

/** The nonces a realm passes to VALIDATE_MAPPING and DMA_ENABLE (what it read with GET_INFO). */
export interface RealmNonces {
  readonly lock?: string;
  readonly meas?: string;
  readonly report?: string;
}

/** RsiVdevInfo (arm-cca.md §2): what RSI_VDEV_GET_INFO returns. */
export interface RsiVdevInfo {
  readonly state: RsiVdevStateName;
  readonly hashAlgo: 'SHA-384';
  readonly nonces: RealmNonces;
  readonly digests: { readonly vca?: string; readonly certificates?: string; readonly pubkey?: string; readonly measurements?: string; readonly report?: string };
}

/** VALIDATE_MAPPING's outputs: x1 the next IPA, x2 the host's response. */
export interface ValidateResult {
  readonly nextIpa: bigint;
  readonly response: keyof typeof DEV_MEM_RESPONSE;
}

/** The host's side of the REC exits an RSI_VDEV_* call raises (the host's KVM exit handlers). */
export interface RecExitHandler {
  /** RMI_EXIT_VDEV_REQUEST: the host answers RMI_VDEV_COMPLETE(rec, vdev), or does not. */
  vdevRequest(vm: VmId, vdevId: number): void;
  /** RMI_EXIT_DEV_MEM_MAP: the host validates the range (RMI_RTT_DEV_VALIDATE) or re-enters with the reject flag. */
  devMemMap(vm: VmId, exit: { readonly base: bigint; readonly top: bigint; readonly pa: bigint }): 'ACCEPT' | 'REJECT';
}

/** Realm view of a VDEV state: NEW reads as UNLOCKED; KEY_* read as STARTED (teeio, not modelled). */
function realmView(v: VdevState): RsiVdevStateName {
  if (v.state === 'NEW') return 'UNLOCKED';
  if (v.state === 'KEY_REFRESH' || v.state === 'KEY_PURGE') return 'STARTED';
  return v.state;
}

/**
 * The realm's device-assignment RSI at 2.0 (arm-cca.md §2, §5): only RSI_VDEV_GET_INFO,
 * _VALIDATE_MAPPING, _DMA_ENABLE and _DMA_DISABLE remain (alp12's RSI_RDEV_LOCK/START/STOP
 * became host RMIs the realm asks for over RHI). Each exits to the host with
 * RMI_EXIT_VDEV_REQUEST and returns RSI_ERROR_INPUT unless the host answers RMI_VDEV_COMPLETE;
 * VALIDATE_MAPPING also exits with RMI_EXIT_DEV_MEM_MAP.
 */
@injectable()
export class RsiCalls {
  constructor(@inject(RmmFirmware) private readonly fw: RmmFirmware) {}

  /** An RSI_VDEV_* call: the VDEV_REQUEST exit, the host's completion, then the call's own checks. */
  private vdevCall<T>(fid: string, vm: VmId, vdevId: number, args: CallArgs, host: RecExitHandler, body: (v: VdevState) => FwResult<T>): FwResult<T> {
    return this.fw.call(fid, { vdevId, ...args }, () => {
      const realm = this.fw.realm(vm);
      if (realm?.state !== 'ACTIVE') return fail(CCA.RSI_ERROR_INPUT, `${vm} does not run`);
      realm.rec.pending = { vdevId };
      host.vdevRequest(vm, vdevId);
      const completed = realm.rec.pending.completedWith;
      delete realm.rec.pending;
      const v = completed ? this.fw.vdev(completed) : this.fw.enforces('rsi-call-requires-vdev-complete') ? undefined : this.fw.vdevOfRealm(vm, vdevId);
      if (!v) return fail(CCA.RSI_ERROR_INPUT, `the host did not complete vdev_id ${vdevId} (RMI_VDEV_COMPLETE)`);
      return body(v);
    });
  }

  /** The nonce the realm passed that is no longer the VDEV's, if any. */
  private stale(v: VdevState, n: RealmNonces): string | undefined {
    if (!this.fw.enforces('rsi-nonces-current')) return undefined;
    return (['lock', 'meas', 'report'] as const).find((k) => n[k] !== v.nonces[k]);
  }

  /** RSI_VDEV_GET_INFO: state, nonces and the digests of what the host caches. */
  getInfo(vm: VmId, vdevId: number, host: RecExitHandler): FwResult<RsiVdevInfo> {
    return this.vdevCall('RSI_VDEV_GET_INFO', vm, vdevId, {}, host, (v) => {
      const p = this.fw.pdev(v.pdev);
      return ok({ state: realmView(v), hashAlgo: 'SHA-384', nonces: { ...v.nonces }, digests: { ...p?.digests, ...v.digests } });
    });
  }

  /**
   * RSI_VDEV_VALIDATE_MAPPING(vdev_id, ipa_base, ipa_top, pa_base, flags, nonces): LOCKED or
   * STARTED (RSI_ERROR_INPUT; state before nonces), current nonces (RSI_ERROR_DEVICE), then the
   * DEV_MEM_MAP exit. The host's rejection is RSI_SUCCESS with x1 = base and x2 = REJECT.
   */
  validateMapping(vm: VmId, vdevId: number, range: { ipa: bigint; pa: bigint; pages: number }, nonces: RealmNonces, host: RecExitHandler): FwResult<ValidateResult> {
    const top = range.ipa + BigInt(range.pages) * GRANULE;
    return this.vdevCall('RSI_VDEV_VALIDATE_MAPPING', vm, vdevId, { ipaBase: range.ipa, ipaTop: top, paBase: range.pa }, host, (v) => {
      if (v.state !== 'LOCKED' && v.state !== 'STARTED' && this.fw.enforces('rsi-validate-requires-locked')) return fail(CCA.RSI_ERROR_INPUT, `vdev_id ${vdevId} is ${realmView(v)}`);
      const stale = this.stale(v, nonces);
      if (stale) return fail(CCA.RSI_ERROR_DEVICE, `the ${stale} nonce is stale`);
      const answer = host.devMemMap(vm, { base: range.ipa, top, pa: range.pa });
      const rtt = this.fw.realm(vm)?.rtt ?? {};
      const accepted = answer === 'ACCEPT' && pieces(rtt, RTT_DEV, range.ipa, range.pages).every((p) => p.value?.ripas === 'DEV');
      const result: ValidateResult = accepted ? { nextIpa: top, response: 'ACCEPT' } : { nextIpa: range.ipa, response: 'REJECT' };
      this.fw.ret({ x1: `0x${result.nextIpa.toString(16)}`, x2: DEV_MEM_RESPONSE[result.response] });
      return ok(result);
    });
  }

  /** RSI_VDEV_DMA_ENABLE(vdev_id, flags, non_ats_plane, nonces): STARTED and current nonces, else RSI_ERROR_DEVICE; smmuv3_enable_ste. */
  dmaEnable(vm: VmId, vdevId: number, nonces: RealmNonces, host: RecExitHandler): FwResult {
    return this.vdevCall('RSI_VDEV_DMA_ENABLE', vm, vdevId, { nonAtsPlane: 0 }, host, (v) => {
      if (v.state !== 'STARTED' && this.fw.enforces('rsi-dma-enable-requires-started')) return fail(CCA.RSI_ERROR_DEVICE, `vdev_id ${vdevId} is ${realmView(v)}, not STARTED`);
      const stale = this.stale(v, nonces);
      if (stale) return fail(CCA.RSI_ERROR_DEVICE, `the ${stale} nonce is stale`);
      v.ste = 'ENABLED';
      return OK;
    });
  }

  /** RSI_VDEV_DMA_DISABLE: smmuv3_disable_ste. */
  dmaDisable(vm: VmId, vdevId: number, host: RecExitHandler): FwResult {
    return this.vdevCall('RSI_VDEV_DMA_DISABLE', vm, vdevId, {}, host, (v) => {
      v.ste = 'DISABLED';
      return OK;
    });
  }

  /**
   * RSI_IPA_STATE_SET(base, top, EMPTY) over a device range: the realm gives it up (the guest
   * v3 unlock path). The RIPAS_CHANGE exit and the host's answer are folded into the call.
   */
  ipaStateSetEmpty(vm: VmId, ipa: bigint, pages: number): FwResult {
    return this.fw.call('RSI_IPA_STATE_SET', { base: ipa, top: ipa + BigInt(pages) * GRANULE, ripas: 'EMPTY' }, () => {
      const realm = this.fw.realm(vm);
      if (!realm) return fail(CCA.RSI_ERROR_INPUT, `${vm} does not run`);
      update(realm.rtt, RTT_DEV, ipa, pages, (e) => (e.state === 'ASSIGNED_DEV' ? { ...e, ripas: 'EMPTY' as const } : e));
      return OK;
    });
  }

  /** RSI_HOST_CALL carrying an RHI call (DEN0148): the host runs it (RMI_EXIT_HOST_CALL) and writes the result back. */
  hostCall<T>(rhi: string, args: CallArgs, handle: () => FwResult<T>): FwResult<T> {
    return this.fw.call('RSI_HOST_CALL', { rhi, ...args }, handle);
  }
}
