import { TdispDevice } from '../device/device.js';
import type { DeviceSnapshot } from '../device/snapshot.js';
import { spdmEmuSample } from '../device/presets.js';
import { isTdi } from '../device/topology.js';
import { interfaceIdOf, LockInterfaceFlag, tdisp, TDISP_VERSION_10, TdispErrorCode, TdiState, type TdispMessage } from '../wire/index.js';
import type { DeviceExploreModel, DeviceModelEventKind } from './device-model.js';
import type { FirmwareError } from './explorer-world.js';

/** What the host holds per TDI besides the device: what the TSM and the TDX module keep. */
export interface HostTdi {
  /** The start_interface_nonce the last successful LOCK returned. */
  readonly nonce: Uint8Array | undefined;
  /** The whole report was read since the last LOCK (the TD's GET_TDI_REPORT). */
  readonly rep: boolean;
  /** Private MMIO is mapped in the S-EPT (TDH.MMIO.MAP done, TDH.MMIO.UNMAP not yet). */
  readonly map: boolean;
}

const UNMAPPED: HostTdi = { nonce: undefined, rep: false, map: false };

/** Where the replicated TDIs' BARs start: each BAR gets a slot of the largest BAR's size. */
const BAR_WINDOW = 0x8000_0000n;

/**
 * The device of a model: the preset's DSM (function 0) and its TDI copied as functions
 * 1..tdis, BARs moved apart so no two TDIs' BARs overlap (LOCK would refuse that). The TDIs'
 * configurations are identical but for the Routing ID and the addresses.
 */
function modelDevice(tdis: number): TdispDevice {
  const config = spdmEmuSample();
  const [dsm] = config.functions;
  const tdi = config.functions.find((f) => f !== dsm && isTdi(f));
  if (!dsm || !tdi) throw new Error('internal: the spdm-emu-sample preset has no DSM and TDI');
  const slot = tdi.bars.reduce((m, b) => (b.size > m ? b.size : m), 0n);
  config.functions = [
    dsm,
    ...Array.from({ length: tdis }, (_, i) => ({
      ...tdi,
      requesterId: dsm.requesterId + 1 + i,
      bars: tdi.bars.map((b, j) => ({ ...b, address: BAR_WINDOW + BigInt(i * tdi.bars.length + j) * slot })),
    })),
  ];
  return new TdispDevice(config);
}

/** A TDI's requests whose bytes never change. */
interface FixedRequests {
  readonly lock: Uint8Array;
  readonly stop: Uint8Array;
  readonly state: Uint8Array;
  /** GET_DEVICE_INTERFACE_REPORT by offset, encoded when first sent. */
  readonly report: Map<number, Uint8Array>;
}

const LOCK_BODY = { messageType: 'LOCK_INTERFACE_REQUEST', flags: LockInterfaceFlag.NO_FW_UPDATE, defaultStreamId: 0, mmioReportingOffset: 0n, bindP2pAddressMask: 0n };

/** The TDX module's refusal of TDH.MMIO.UNMAP outside CONFIG_UNLOCKED (tdx-connect.md, teardown order). */
const UNMAP_REFUSED: readonly FirmwareError[] = [{ op: 'TDH.MMIO.UNMAP', code: 'TDX_DEVIF_TDISP_INVALID_STATE' }];
const NONE: readonly FirmwareError[] = [];
const STATE_CODES = new Map<string, number>(Object.entries(TdiState));
const ERROR_NAMES = new Map<number, string>(Object.entries(TdispErrorCode).map(([name, code]) => [code, name]));

/**
 * The host side of a device model under the TDX rules, over the simulated device: TDISP
 * requests go to the device as bytes and come back as bytes; FLR and BME clear are device
 * events; the host keeps the nonce, whether the report was read, and the private mapping.
 * fire() returns the error codes the device or the TDX module answered (none when it worked).
 */
export class DeviceHost {
  readonly device: TdispDevice;
  /** What the host holds per TDI, replaced (never mutated) as events fire. */
  tdis: HostTdi[];
  private readonly rids: readonly number[];
  /** Encoded once per TDI: the requests whose bytes never change (the device decodes each). */
  private readonly wire: readonly FixedRequests[];
  /** TDISP_ERROR answers by request and code, each one array (the search keeps them by reference). */
  private readonly errors = new Map<string, readonly FirmwareError[]>();

  constructor(model: DeviceExploreModel) {
    const tdis = model.device.tdis;
    this.device = modelDevice(tdis);
    this.tdis = Array.from({ length: tdis }, () => UNMAPPED);
    const dsm = this.device.config.functions[0]?.requesterId ?? 0;
    this.rids = Array.from({ length: tdis }, (_, i) => dsm + 1 + i);
    this.wire = this.rids.map((rid) => ({
      lock: this.encode(rid, LOCK_BODY),
      stop: this.encode(rid, { messageType: 'STOP_INTERFACE_REQUEST' }),
      state: this.encode(rid, { messageType: 'GET_DEVICE_INTERFACE_STATE' }),
      report: new Map(),
    }));
  }

  /** Fires `kind` on TDI `i`; the codes any refusal answered. */
  fire(i: number, kind: DeviceModelEventKind): readonly FirmwareError[] {
    const h = this.tdis[i] as HostTdi;
    const rid = this.rids[i] as number;
    switch (kind) {
      case 'lock': {
        const r = this.send(this.wireOf(i).lock);
        if (r.messageType === 'LOCK_INTERFACE_RESPONSE') this.set(i, { nonce: r.startInterfaceNonce, rep: false, map: h.map });
        return this.refusal('LOCK_INTERFACE_REQUEST', r);
      }
      case 'report':
        return h.rep ? NONE : this.readReport(i);
      case 'start': {
        // The guest starts the TDI only after reading its report (GET_TDI_REPORT before TDG.TDI.START).
        if (!h.rep || !h.nonce) return NONE;
        const r = this.send(this.encode(rid, { messageType: 'START_INTERFACE_REQUEST', startInterfaceNonce: h.nonce }));
        return this.refusal('START_INTERFACE_REQUEST', r);
      }
      case 'stop': {
        const r = this.send(this.wireOf(i).stop);
        if (r.messageType === 'STOP_INTERFACE_RESPONSE') this.set(i, { ...h, rep: false });
        return this.refusal('STOP_INTERFACE_REQUEST', r);
      }
      case 'flr':
        this.device.apply({ kind: 'FLR', requesterId: rid });
        return NONE;
      case 'bme-clear':
        this.device.apply({ kind: 'BME_CLEAR', requesterId: rid });
        return NONE;
      case 'map':
        // TDH.MMIO.MAP: the host maps private MMIO of a locked TDI (it asks the device first).
        if (!h.map && this.locked(i)) this.set(i, { ...h, map: true });
        return NONE;
      case 'revoke':
        // TDH.MMIO.UNMAP needs tdisp_sts == CONFIG_UNLOCKED: only after STOP (tdx-connect.md, teardown order).
        if (!h.map) return NONE;
        if (this.state(i) !== TdiState.CONFIG_UNLOCKED) return UNMAP_REFUSED;
        this.set(i, { ...h, map: false });
        return NONE;
    }
  }

  /** Per TDI, what the search tells states apart by: the device's TDI state, rep and map. */
  code(i: number): number {
    const h = this.tdis[i] as HostTdi;
    return (STATE_CODES.get(this.device.tdiState(this.rids[i] as number)) as number) * 4 + (h.rep ? 2 : 0) + (h.map ? 1 : 0);
  }

  restore(device: DeviceSnapshot, host: readonly HostTdi[]): void {
    this.device.restore(device);
    this.tdis = [...host];
  }

  private wireOf(i: number): FixedRequests {
    return this.wire[i] as FixedRequests;
  }

  private set(i: number, h: HostTdi): void {
    this.tdis[i] = h;
  }

  private encode(rid: number, body: Record<string, unknown>): Uint8Array {
    return tdisp.encode({ version: TDISP_VERSION_10, interfaceId: interfaceIdOf(rid), ...body } as TdispMessage);
  }

  private send(request: Uint8Array): TdispMessage {
    return tdisp.decode(this.device.handleTdisp(request)).message;
  }

  /** The error a refused request got, as one shared array per request and code. */
  private refusal(op: string, r: TdispMessage): readonly FirmwareError[] {
    if (r.messageType !== 'TDISP_ERROR') return NONE;
    const code = ERROR_NAMES.get(r.errorCode) ?? `0x${r.errorCode.toString(16)}`;
    const key = `${op}/${code}`;
    let found = this.errors.get(key);
    if (!found) this.errors.set(key, (found = [{ op, code }]));
    return found;
  }

  /** Reads the whole report in portions; the host's rep turns true when the device gave all of it. */
  private readReport(i: number): readonly FirmwareError[] {
    const rid = this.rids[i] as number;
    const portions = this.wireOf(i).report;
    for (let offset = 0; ; ) {
      let request = portions.get(offset);
      if (!request) portions.set(offset, (request = this.encode(rid, { messageType: 'GET_DEVICE_INTERFACE_REPORT', offset, length: 0xffff })));
      const r = this.send(request);
      if (r.messageType !== 'DEVICE_INTERFACE_REPORT') return this.refusal('GET_DEVICE_INTERFACE_REPORT', r);
      if (r.remainderLength === 0) {
        this.set(i, { ...(this.tdis[i] as HostTdi), rep: true });
        return NONE;
      }
      offset += r.portion.length;
    }
  }

  /** GET_DEVICE_INTERFACE_STATE, as the TDX module learns tdisp_sts. */
  private state(i: number): number {
    const r = this.send(this.wireOf(i).state);
    return r.messageType === 'DEVICE_INTERFACE_STATE' ? r.tdiState : -1;
  }

  private locked(i: number): boolean {
    const s = this.state(i);
    return s === TdiState.CONFIG_LOCKED || s === TdiState.RUN;
  }
}
