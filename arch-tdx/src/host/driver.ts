import {
  type Bdf,
  DEVICE_LINK,
  type DeviceLink,
  type FwResult,
  TRACER,
  type Tracer,
  fail,
  relayToDevice,
} from '@teeio/core';
import { inject, injectable } from 'tsyringe';
import { TDX } from '../codes.js';
import { DevifCalls, type VmmTdispRequest } from '../firmware/devif.js';
import { TdxFirmware, type Transfer } from '../firmware/firmware.js';
import { SpdmIdeCalls } from '../firmware/spdm-ide.js';
import type { RelayRequest } from '../firmware/state.js';

/**
 * The host kernel's TDX Connect side (tdx-host and KVM's TDX code, as far as the ports need
 * them): it carries the module's request pages to the device's DOE mailbox and back, drives
 * the resumable extension calls, refreshes spent session keys, and retries where KVM does.
 */
@injectable()
export class TdxHostDriver {
  constructor(
    @inject(DEVICE_LINK) private readonly link: DeviceLink,
    @inject(TRACER) private readonly tracer: Tracer,
    @inject(TdxFirmware) private readonly fw: TdxFirmware,
    @inject(SpdmIdeCalls) private readonly spdm: SpdmIdeCalls,
    @inject(DevifCalls) private readonly devif: DevifCalls,
  ) {}

  /** One request page to the device and its answer (pci_doe on the DSM's mailbox), hex. */
  relay(page: RelayRequest): FwResult<string> {
    return relayToDevice(this.link, this.tracer, page, 'request page');
  }

  /**
   * Runs a relayed extension call to its end ([L-RFC] event loop): while the module answers
   * TDX_SPDM_REQUEST, carry its request page and resume it with the response. A transfer that
   * fails, or a resume the module did not take (TDX_OPERAND_BUSY), makes the host resume with
   * the failure so the module abandons the call and frees the extension slot (`persistent`:
   * after one more try, for teardown).
   */
  extension(key: string, start: () => FwResult, resume: (t: Transfer) => FwResult, spdmId?: number, persistent = false): FwResult {
    let r = this.refreshing(start, spdmId, persistent);
    while (!r.ok && r.code === TDX.SPDM_REQUEST) {
      const page = this.fw.pendingRelay(key);
      if (!page) return r;
      const carried = this.relay(page);
      if (!carried.ok) {
        resume({ failed: carried.code });
        return carried;
      }
      r = resume({ response: carried.value });
      if (!r.ok && r.code === TDX.OPERAND_BUSY && persistent) r = resume({ response: carried.value });
      if (!r.ok && r.code === TDX.OPERAND_BUSY) {
        resume({ failed: 'abandoned after TDX_OPERAND_BUSY' });
        return r;
      }
    }
    return r;
  }

  /** TDX_SPDM_SESSION_KEY_REQUIRE_REFRESH: TDH.SPDM.MNG(KEY_UPDATE), then the call again ([L-RFC]). */
  private refreshing(start: () => FwResult, spdmId: number | undefined, persistent = false): FwResult {
    const call = persistent ? () => retryBusy(start) : start;
    const r = call();
    if (r.ok || r.code !== TDX.SPDM_SESSION_KEY_REQUIRE_REFRESH || spdmId === undefined) return r;
    const m = persistent ? retryBusy(() => this.spdm.spdmMng(spdmId, 'KEY_UPDATE')) : this.spdm.spdmMng(spdmId, 'KEY_UPDATE');
    return m.ok ? call() : m;
  }

  /**
   * A TDISP request through the module: TDH.DEVIF.REQUEST builds it, the host relays it,
   * TDH.DEVIF.RESPONSE consumes the answer. `fromTd` for a request the TD asked for.
   * `persistent` for teardown, which the kernel cannot give up on (pci_tsm's unbind returns
   * nothing): a call the module found busy is made once more, as KVM does.
   */
  tdisp(tdi: Bdf, type: VmmTdispRequest, fromTd = false, persistent = false): FwResult<{ remainder: number }> {
    const r = this.refreshing(() => this.devif.devifRequest(tdi, type, fromTd), this.fw.devif(tdi)?.spdmId, persistent);
    if (!r.ok) return r;
    const page = this.devif.requestPage(tdi);
    if (!page) return fail(TDX.DEVIF_TDISP_OUT_REQ, `no request page for ${tdi}`);
    const carried = this.relay(page);
    const respond = () => this.devif.devifResponse(tdi, carried.ok ? { response: carried.value } : { failed: carried.code });
    let rr = respond();
    if (!carried.ok) return carried;
    if (!rr.ok && rr.code === TDX.OPERAND_BUSY && persistent) rr = respond();
    if (!rr.ok && rr.code === TDX.OPERAND_BUSY) this.devif.devifResponse(tdi, { failed: 'abandoned after TDX_OPERAND_BUSY' });
    return rr;
  }
}

/** KVM retries a SEAMCALL that found its operand busy (tdx_operand_busy()): once, here. */
export function retryBusy<T>(call: () => FwResult<T>): FwResult<T> {
  const r = call();
  return !r.ok && r.code === TDX.OPERAND_BUSY ? call() : r;
}

/** KVM's S-EPT MMIO hooks treat every other error as a bug: KVM_BUG_ON kills the VM ([MMIO-RFC] 12/12). */
export function kvmBugOn<T>(r: FwResult<T>): FwResult<T> {
  return r.ok ? r : fail(r.code, r.detail, true);
}
