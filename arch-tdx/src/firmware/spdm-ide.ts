import {
  type Bdf,
  DoeDataObjectType,
  type FwResult,
  type IdeKmMessage,
  K0_KEY_SLOTS,
  OK,
  RANDOM,
  type SeededRandom,
  fail,
  isIdeKmAccepted,
  ok,
  toHex,
} from '@teeio/core';
import { inject, injectable } from 'tsyringe';
import { TDX } from '../codes.js';
import { type ExtHandler, type ExtStep, TdxFirmware, type Transfer } from './firmware.js';
import { discoveryRelay, idekmRelay, readDiscovery, readIdeKm } from './messages.js';
import type { IdeStreamState, InFlightCall, SpdmState } from './state.js';

/**
 * Secured messages a session key protects before the module asks for TDH.SPDM.MNG(KEY_UPDATE)
 * (TDX_SPDM_SESSION_KEY_REQUIRE_REFRESH, [L-RFC]). The real limit is not published; teeio
 * keeps it small so that every full lifecycle exercises the refresh.
 */
export const SESSION_KEY_MESSAGE_LIMIT = 16;

/** The IDE Stream ID the module programs for a DSM's selective stream (the devices model stream 0). */
const IDE_STREAM_ID = 0;
/** DOE Discovery entries the module reads at most before it gives up on a mailbox. */
const MAX_DISCOVERY = 8;

export type SpdmMngOperation = 'KEY_UPDATE' | 'HEARTBEAT' | 'DEV_INFO_RECOLLECTION';
export type IdeKmOperation = 'SETUP' | 'STOP';


/** A session's key is spent: the caller must refresh it first. */
export function keyRefreshNeeded(s: SpdmState | undefined): FwResult | undefined {
  return s && s.messages >= SESSION_KEY_MESSAGE_LIMIT
    ? fail(TDX.SPDM_SESSION_KEY_REQUIRE_REFRESH, `${s.messages} messages since the last key update of session ${s.spdmId}`)
    : undefined;
}

/**
 * The platform and device-link side of the module: trusted IOMMU set-up, SPDM objects and
 * sessions, and selective IDE streams, with the call names of [L-RFC] (TDH.IOMMU.SETUP,
 * TDH.SPDM.CREATE/CONNECT/MNG/DISCONNECT/DELETE, TDH.IDE.STREAM.CREATE/KM/BLOCK/DELETE).
 *
 * Simplification: no SPDM session is modelled cryptographically. TDH.SPDM.CONNECT walks DOE
 * Discovery and collects device information (IDE_KM QUERY) through the host relay, but the
 * SPDM handshake itself (GET_VERSION … FINISH) and the certificate and measurement exchange
 * are not sent: the simulated device answers only DOE Discovery and PCI-SIG vendor-defined
 * messages, so the module synthesises the certificate chain and measurements from the run's
 * seeded randomness and carries TDISP and IDE_KM in plain VDMs where a real session encrypts.
 */
@injectable()
export class SpdmIdeCalls {
  constructor(
    @inject(TdxFirmware) private readonly fw: TdxFirmware,
    @inject(RANDOM) private readonly random: SeededRandom,
  ) {}

  private get s() {
    return this.fw.state;
  }

  /** TDH.IOMMU.SETUP(VTBAR, IOMMU_MT) on one DRHD: its IOMMU_ID, or TDX_OPERAND_INVALID when it is not TDX-capable. */
  iommuSetup(vtbar: string, tdxCapable: boolean): FwResult<number> {
    return this.fw.call('TDH.IOMMU.SETUP', { vtbar }, () => {
      if (!tdxCapable) return fail(TDX.OPERAND_INVALID, `the DRHD at ${vtbar} is not TDX-capable`);
      if (this.s.iommus.some((i) => i.vtbar === vtbar)) return fail(TDX.OPERAND_INVALID, `the DRHD at ${vtbar} is set up already`);
      const iommuId = this.s.iommus.length;
      this.s.iommus.push({ vtbar, iommuId });
      return ok(iommuId);
    });
  }

  /** TDH.SPDM.CREATE(func_id, SPDM_MT): the SPDM object for a DSM, on a trusted IOMMU. */
  spdmCreate(dsm: Bdf): FwResult<number> {
    return this.fw.call('TDH.SPDM.CREATE', { funcId: dsm }, () => {
      const iommu = this.s.iommus[0];
      // [L-RFC]: TDH.IOMMU.SETUP is "the pre-condition for all following TDX Connect operations".
      if (!iommu && this.fw.enforces('iommu-setup-before-spdm')) return fail(TDX.OPERAND_INVALID, 'no trusted IOMMU: TDH.IOMMU.SETUP has not run');
      if (this.fw.spdmOfDsm(dsm)) return fail(TDX.OPERAND_INVALID, `${dsm} has an SPDM object already`);
      const spdmId = this.s.next.spdmId++;
      this.s.spdm[String(spdmId)] = { spdmId, dsm, iommuId: iommu?.iommuId ?? 0, state: 'CREATED', messages: 0, keyUpdates: 0 };
      return ok(spdmId);
    });
  }

  private readonly connectHandler: ExtHandler = {
    begin: (call) => {
      const s = this.fw.spdm(Number(call.key));
      if (!s) return { done: fail(TDX.SPDM_ENTRY_NOT_PRESENT, `no SPDM object ${call.key}`) };
      if (s.state !== 'CREATED') return { done: fail(TDX.OPERAND_INVALID, `session ${call.key} is connected already`) };
      call.ctx['types'] = '';
      return { relay: discoveryRelay(s.dsm, 0), phase: 'DOE discovery #0' };
    },
    resume: (call, response) => {
      const s = this.fw.spdm(Number(call.key));
      if (!s) return { done: fail(TDX.SPDM_ENTRY_NOT_PRESENT, `no SPDM object ${call.key}`) };
      if (call.phase.startsWith('DOE discovery')) return this.discovered(call, s, response);
      const q = readIdeKm(response);
      if (q?.objectId !== 'QUERY_RESP') return { done: fail(TDX.SPDM_DEVICE_UNSUPPORTED, 'the DSM did not answer IDE_KM QUERY') };
      s.state = 'CONNECTED';
      s.messages = 1;
      s.devInfo = { certificates: toHex(this.random.bytes(64)), measurements: toHex(this.random.bytes(48)), maxPortIndex: q.maxPortIndex };
      return { done: OK };
    },
  };

  /** One DOE Discovery entry read: the next one, or, at the end, the device information (IDE_KM QUERY). */
  private discovered(call: InFlightCall, s: SpdmState, response: string): ExtStep {
    const d = readDiscovery(response);
    if (!d) return { done: fail(TDX.SPDM_DEVICE_UNSUPPORTED, 'invalid DOE Discovery response') };
    const types = `${call.ctx['types']}${d.dataObjectType},`;
    call.ctx['types'] = types;
    const index = Number(call.ctx['index'] ?? 0) + 1;
    if (d.nextIndex !== 0 && index < MAX_DISCOVERY) {
      call.ctx['index'] = d.nextIndex;
      return { relay: discoveryRelay(s.dsm, d.nextIndex), phase: `DOE discovery #${d.nextIndex}` };
    }
    const found = types.split(',').filter((t) => t !== '').map(Number);
    if (!found.includes(DoeDataObjectType.SPDM) || !found.includes(DoeDataObjectType.SECURED_SPDM))
      return { done: fail(TDX.SPDM_DEVICE_UNSUPPORTED, `the DOE mailbox of ${s.dsm} lacks SPDM or secured SPDM`) };
    // Here the real module runs the SPDM handshake and GET_MEASUREMENTS (not modelled, see the class comment).
    return { relay: idekmRelay(s.dsm, { objectId: 'QUERY', portIndex: 0 }), phase: 'device info: IDE_KM QUERY' };
  }

  /** TDH.SPDM.CONNECT(spdm_id, …): starts the session set-up; TDX_SPDM_REQUEST while it needs the device. */
  spdmConnect(spdmId: number): FwResult {
    return this.fw.extension('TDH.SPDM.CONNECT', String(spdmId), { spdmId }, this.connectHandler);
  }

  resumeSpdmConnect(spdmId: number, t: Transfer): FwResult {
    return this.fw.resume('TDH.SPDM.CONNECT', String(spdmId), { spdmId }, t, this.connectHandler);
  }

  /** TDH.SPDM.MNG(spdm_id, operation): KEY_UPDATE, HEARTBEAT or DEV_INFO_RECOLLECTION. */
  spdmMng(spdmId: number, operation: SpdmMngOperation): FwResult {
    return this.fw.extension('TDH.SPDM.MNG', String(spdmId), { spdmId, operation }, {
      begin: () => {
        const s = this.fw.spdm(spdmId);
        if (!s) return { done: fail(TDX.SPDM_ENTRY_NOT_PRESENT, `no SPDM object ${spdmId}`) };
        if (s.state !== 'CONNECTED' || !s.devInfo) return { done: fail(TDX.OPERAND_INVALID, `session ${spdmId} is not connected`) };
        if (operation === 'KEY_UPDATE') {
          s.messages = 0;
          s.keyUpdates++;
        } else if (operation === 'DEV_INFO_RECOLLECTION') {
          // Fresh measurements (GET_MEASUREMENTS signs a new requester nonce): what the TDIs of this DSM now attest.
          s.devInfo.measurements = toHex(this.random.bytes(48));
          for (const d of Object.values(this.s.devifs)) if (d.spdmId === spdmId) d.attestation = { certificates: s.devInfo.certificates, measurements: s.devInfo.measurements };
        }
        return { done: OK };
      },
      resume: () => ({ done: fail(TDX.OPERAND_INVALID, 'TDH.SPDM.MNG does not relay') }),
    });
  }

  /** TDH.SPDM.DISCONNECT(spdm_id): ends the session; its IDE streams must be gone. */
  spdmDisconnect(spdmId: number): FwResult {
    return this.fw.extension('TDH.SPDM.DISCONNECT', String(spdmId), { spdmId }, {
      begin: () => {
        const s = this.fw.spdm(spdmId);
        if (!s) return { done: fail(TDX.SPDM_ENTRY_NOT_PRESENT, `no SPDM object ${spdmId}`) };
        if (s.state !== 'CONNECTED') return { done: fail(TDX.OPERAND_INVALID, `session ${spdmId} is not connected`) };
        const streams = this.streamsOf(spdmId);
        if (streams.length > 0 && this.fw.enforces('spdm-disconnect-requires-no-stream'))
          return { done: fail(TDX.SPDM_HAS_ACTIVE_IDE_STREAMS, `IDE stream ${streams.map((x) => x.handle).join(', ')} still uses session ${spdmId}`) };
        s.state = 'CREATED';
        delete s.devInfo;
        return { done: OK };
      },
      resume: () => ({ done: fail(TDX.OPERAND_INVALID, 'TDH.SPDM.DISCONNECT does not relay') }),
    });
  }

  /** TDH.SPDM.DELETE(spdm_id): frees the SPDM object ([MOD]: fails while IDE streams use it). */
  spdmDelete(spdmId: number): FwResult {
    return this.fw.call('TDH.SPDM.DELETE', { spdmId }, () => {
      const s = this.fw.spdm(spdmId);
      if (!s) return fail(TDX.SPDM_ENTRY_NOT_PRESENT, `no SPDM object ${spdmId}`);
      const streams = this.streamsOf(spdmId);
      if (streams.length > 0 && this.fw.enforces('spdm-disconnect-requires-no-stream'))
        return fail(TDX.SPDM_HAS_ACTIVE_IDE_STREAMS, `IDE stream ${streams.map((x) => x.handle).join(', ')} still uses session ${spdmId}`);
      if (s.state === 'CONNECTED' && this.fw.enforces('spdm-delete-requires-disconnect')) return fail(TDX.SPDM_SESSION_CONNECTED, `session ${spdmId} is connected: TDH.SPDM.DISCONNECT first`);
      delete this.s.spdm[String(spdmId)];
      return OK;
    });
  }

  private streamsOf(spdmId: number): IdeStreamState[] {
    return Object.values(this.s.streams).filter((x) => x.spdmId === spdmId);
  }

  /** TDH.IDE.STREAM.CREATE(stream_info{RP devfn, type=SEL}, spdm_id, …): root port side configuration. */
  ideStreamCreate(spdmId: number): FwResult<number> {
    return this.fw.call('TDH.IDE.STREAM.CREATE', { spdmId, type: 'SEL', streamId: IDE_STREAM_ID }, () => {
      const s = this.fw.spdm(spdmId);
      if (!s) return fail(TDX.SPDM_ENTRY_NOT_PRESENT, `no SPDM object ${spdmId}`);
      if (s.state !== 'CONNECTED') return fail(TDX.OPERAND_INVALID, `session ${spdmId} is not connected`);
      if (this.fw.streamOfDsm(s.dsm)) return fail(TDX.OPERAND_INVALID, `${s.dsm} has a selective stream already`);
      const handle = this.s.next.streamHandle++;
      this.s.streams[String(handle)] = { handle, dsm: s.dsm, spdmId, ideStreamId: IDE_STREAM_ID, rpIdeId: handle - 1, keyed: false, blocked: false };
      return ok(handle);
    });
  }

  private kmHandler(operation: IdeKmOperation): ExtHandler {
    const messages = (x: IdeStreamState, i: number): IdeKmMessage => {
      const keySubStream = K0_KEY_SLOTS[operation === 'SETUP' ? i >> 1 : i];
      if (!keySubStream) throw new RangeError(`no IDE_KM message #${i}`);
      const head = { streamId: x.ideStreamId, keySubStream, portIndex: 0 };
      if (operation === 'STOP') return { objectId: 'K_SET_STOP', ...head };
      return i % 2 === 0 ? { objectId: 'KEY_PROG', ...head, key: this.random.bytes(32), ifv: new Uint8Array(8) } : { objectId: 'K_SET_GO', ...head };
    };
    const count = operation === 'SETUP' ? K0_KEY_SLOTS.length * 2 : K0_KEY_SLOTS.length;
    const step = (x: IdeStreamState, i: number): ExtStep => {
      const m = messages(x, i);
      return { relay: idekmRelay(x.dsm, m), phase: `${m.objectId} ${i + 1}/${count}` };
    };
    return {
      begin: (call) => {
        const x = this.fw.stream(Number(call.key));
        if (!x) return { done: fail(TDX.OPERAND_INVALID, `no IDE stream ${call.key}`) };
        // The KM programs the root port's side too: it needs the RP configuration BLOCK clears.
        if (x.blocked && this.fw.enforces('ide-km-requires-unblocked-stream')) return { done: fail(TDX.IDE_STREAM_INVALID_STATE, `IDE stream ${x.handle} is blocked`) };
        if (operation === 'SETUP' && x.keyed) return { done: fail(TDX.OPERAND_INVALID, `IDE stream ${x.handle} is keyed already (no IDE key refresh)`) };
        if (operation === 'STOP' && !x.keyed) return { done: fail(TDX.OPERAND_INVALID, `IDE stream ${x.handle} has no keys`) };
        const refresh = keyRefreshNeeded(this.fw.spdm(x.spdmId));
        if (refresh) return { done: refresh };
        call.ctx['i'] = 0;
        return step(x, 0);
      },
      resume: (call, response) => {
        const x = this.fw.stream(Number(call.key));
        if (!x) return { done: fail(TDX.OPERAND_INVALID, `no IDE stream ${call.key}`) };
        const i = Number(call.ctx['i']);
        const r = readIdeKm(response);
        const sent = call.phase.split(' ')[0] as 'KEY_PROG' | 'K_SET_GO' | 'K_SET_STOP';
        if (!isIdeKmAccepted(sent, r)) return { done: fail(TDX.IDE_KM_FAILED, `the DSM refused ${call.phase}: ${r ? r.objectId : 'no IDE_KM response'}`) };
        const spdm = this.fw.spdm(x.spdmId);
        if (spdm) spdm.messages++;
        if (i + 1 < count) {
          call.ctx['i'] = i + 1;
          return step(x, i + 1);
        }
        x.keyed = operation === 'SETUP';
        return { done: OK };
      },
    };
  }

  /** TDH.IDE.STREAM.KM(stream, SETUP | STOP): "Key Programming for RP & target device, enable IDE stream for RP", or stop it. */
  ideStreamKm(handle: number, operation: IdeKmOperation): FwResult {
    return this.fw.extension('TDH.IDE.STREAM.KM', String(handle), { stream: handle, operation }, this.kmHandler(operation));
  }

  resumeIdeStreamKm(handle: number, operation: IdeKmOperation, t: Transfer): FwResult {
    return this.fw.resume('TDH.IDE.STREAM.KM', String(handle), { stream: handle, operation }, t, this.kmHandler(operation));
  }

  /** TDH.IDE.STREAM.BLOCK: "clears the root port side IDE configuration". */
  ideStreamBlock(handle: number): FwResult {
    return this.fw.call('TDH.IDE.STREAM.BLOCK', { stream: handle }, () => {
      const x = this.fw.stream(handle);
      if (!x) return fail(TDX.OPERAND_INVALID, `no IDE stream ${handle}`);
      x.blocked = true;
      return OK;
    });
  }

  /** TDH.IDE.STREAM.DELETE: only a blocked stream no DEVIF uses ([MOD] tdh_ide_stream_delete.c). */
  ideStreamDelete(handle: number): FwResult {
    return this.fw.call('TDH.IDE.STREAM.DELETE', { stream: handle }, () => {
      const x = this.fw.stream(handle);
      if (!x) return fail(TDX.OPERAND_INVALID, `no IDE stream ${handle}`);
      if (!x.blocked && this.fw.enforces('ide-delete-requires-block')) return fail(TDX.IDE_STREAM_NOT_BLOCKED, `IDE stream ${handle} is not blocked`);
      const devifs = Object.values(this.s.devifs).filter((d) => d.streamHandle === handle);
      if (devifs.length > 0 && this.fw.enforces('ide-delete-requires-no-devif'))
        return fail(TDX.IDE_STREAM_HAS_DEVICE_INTERFACES, `DEVIF ${devifs.map((d) => d.tdi).join(', ')} uses IDE stream ${handle}`);
      delete this.s.streams[String(handle)];
      return OK;
    });
  }
}
