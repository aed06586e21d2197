import type { TdispDevice } from '../device/device.js';
import type { FunctionConfig } from '../device/config.js';
import { functionKey } from '../device/topology.js';
import type { DeviceEvent } from '../device/events.js';
import type { FaultInjector } from '../faults/fault-plan.js';
import { type Bdf, bdfOf } from '../model/ids.js';
import { type FwResult, fail, ok } from '../ports/result.js';
import type { Tracer } from '../trace/tracer.js';
import {
  type IdeKmMessage,
  type TdispMessage,
  TdispErrorCode,
  decodeDoe,
  encodeDoe,
  idekm,
  pciSigVendorMessage,
  spdm,
  spdmDataObject,
  spdmInDoe,
  tdisp,
} from '../wire/index.js';

const ERROR_NAMES = new Map<number, string>(Object.entries(TdispErrorCode).map(([k, v]) => [v, k]));

interface FunctionSite {
  readonly device: TdispDevice;
  readonly requesterId: number;
  readonly dsm: Bdf;
  /** The function's configuration: looked up once, not searched for per question. */
  readonly fn: FunctionConfig;
}

/** A request or response as the trace names it: the message type, and the error code of an ERROR. */
function label(m: TdispMessage): string {
  return m.messageType === 'TDISP_ERROR' ? `TDISP_ERROR(${ERROR_NAMES.get(m.errorCode) ?? m.errorCode})` : m.messageType;
}

/**
 * How the host and the firmware models reach devices: only through DOE data objects carrying
 * SPDM vendor-defined TDISP and IDE_KM messages, as on a real platform. It applies DOE fault
 * injection (a failed exchange is the -EIO pci_doe() returns), records every exchange in the
 * trace as the device's, and keeps ground truth the invariants need but no party could forge:
 * how many times each TDI has been locked.
 */
export class DeviceLink {
  private readonly sites = new Map<Bdf, FunctionSite>();
  private readonly lockEpochs = new Map<Bdf, number>();
  /** Each device with its functions' BDFs by their key in the device's state. */
  private readonly keyed: { readonly device: TdispDevice; readonly bdfs: ReadonlyMap<string, Bdf> }[] = [];

  constructor(
    devices: readonly TdispDevice[],
    private readonly tracer: Tracer,
    private readonly faults: FaultInjector,
  ) {
    for (const device of devices) {
      const segment = device.config.segment ?? 0;
      const dsm = bdfOf(device.config.functions[0]?.requesterId ?? 0, segment);
      const bdfs = new Map<string, Bdf>();
      for (const fn of device.config.functions) {
        const bdf = bdfOf(fn.requesterId, segment);
        this.sites.set(bdf, { device, requesterId: fn.requesterId, dsm, fn });
        bdfs.set(functionKey(fn.requesterId), bdf);
      }
      this.keyed.push({ device, bdfs });
    }
  }

  /** Every function of every device, DSMs included. */
  get functions(): Bdf[] {
    return [...this.sites.keys()];
  }

  has(bdf: Bdf): boolean {
    return this.sites.has(bdf);
  }

  site(bdf: Bdf): FunctionSite {
    const s = this.sites.get(bdf);
    if (!s) throw new RangeError(`no device function ${bdf}`);
    return s;
  }

  /** Whether `bdf` is a VF (its configuration names a PF). */
  isVf(bdf: Bdf): boolean {
    return this.site(bdf).fn.pf !== undefined;
  }

  /** The VFs of the PF `pf` (what an FLR of the PF also resets). */
  vfsOf(pf: Bdf): Bdf[] {
    const { device, requesterId } = this.site(pf);
    return this.functions.filter((b) => {
      const s = this.site(b);
      return s.device === device && s.fn.pf === requesterId;
    });
  }

  /** The DSM (function 0 of its device) that manages `bdf`. */
  dsmOf(bdf: Bdf): Bdf {
    return this.site(bdf).dsm;
  }

  /** One DOE data object to the mailbox of `dsm`, and the object it answers. */
  doe(dsm: Bdf, request: Uint8Array): FwResult<Uint8Array> {
    if (this.faults.shouldFail('doe')) return fail('-EIO', 'DOE exchange aborted (fail_nth)');
    const r = this.site(dsm).device.doe.exchange(request);
    return r.ok ? ok(r.response) : fail('-EIO', `DOE error: ${r.reason}: ${r.detail}`);
  }

  /** A TDISP request to the TDI `tdi`, through its DSM's DOE mailbox; the decoded response. */
  tdisp(tdi: Bdf, request: TdispMessage): FwResult<TdispMessage> {
    const dsm = this.dsmOf(tdi);
    const payload = tdisp.encode(request);
    const r = this.exchange(dsm, 'TDISP', payload);
    const response = r.ok ? tdisp.decode(r.value).message : undefined;
    this.tracer.record({ actor: 'device', op: request.messageType, args: { tdi }, result: response ? label(response) : r.ok ? 'ok' : r.code });
    if (response?.messageType === 'LOCK_INTERFACE_RESPONSE') this.lockEpochs.set(tdi, this.lockEpoch(tdi) + 1);
    return response ? ok(response) : (r as FwResult<never>);
  }

  /** An IDE_KM request to `dsm`; the decoded response. */
  idekm(dsm: Bdf, request: IdeKmMessage): FwResult<IdeKmMessage> {
    const r = this.exchange(dsm, 'IDE_KM', idekm.encode(request));
    const response = r.ok ? idekm.decode(r.value).message : undefined;
    this.tracer.record({ actor: 'device', op: request.objectId, args: { dsm }, result: response ? response.objectId : r.ok ? 'ok' : r.code });
    return response ? ok(response) : (r as FwResult<never>);
  }

  private exchange(dsm: Bdf, protocol: 'TDISP' | 'IDE_KM', payload: Uint8Array): FwResult<Uint8Array> {
    const vdm = spdm.encode(pciSigVendorMessage('VENDOR_DEFINED_REQUEST', protocol, payload));
    const r = this.doe(dsm, encodeDoe(spdmDataObject(vdm)));
    if (!r.ok) return r;
    const answer = spdm.decode(spdmInDoe(decodeDoe(r.value).message.payload)).message;
    // The device answers a wrapper it cannot route with SPDM ERROR, never with a TDISP message.
    if (answer.code !== 'VENDOR_DEFINED_RESPONSE') return fail('SPDM_ERROR', `SPDM ERROR ${answer.code === 'ERROR' ? answer.errorCode : answer.code}`);
    return ok(answer.payload);
  }

  /** How many times `tdi` has been locked: ground truth for the evidence-freshness invariant. */
  lockEpoch(tdi: Bdf): number {
    return this.lockEpochs.get(tdi) ?? 0;
  }

  /** The TDISP state of `tdi` as the device holds it. */
  tdiState(tdi: Bdf): string {
    const s = this.site(tdi);
    return s.device.tdiState(s.requesterId);
  }

  /** The TDIs that are CONFIG_LOCKED or RUN, in no particular order, found without visiting the others. */
  lockedTdis(): Bdf[] {
    const out: Bdf[] = [];
    for (const { device, bdfs } of this.keyed) for (const key of device.lockedKeys()) out.push(bdfs.get(key) as Bdf);
    return out;
  }

  /** The report and reporting offset `tdi` locked with, while it is CONFIG_LOCKED or RUN. */
  lockedInterface(tdi: Bdf): ReturnType<TdispDevice['lockedInterface']> {
    const s = this.site(tdi);
    return s.device.lockedInterface(s.requesterId);
  }

  /** A device event (FLR, BME/MSE clear, BAR write, …) on the function `bdf`; the TDIs it sent to ERROR. */
  event(bdf: Bdf, event: (requesterId: number) => DeviceEvent): string[] {
    const s = this.site(bdf);
    const moved = s.device.apply(event(s.requesterId));
    if (moved.length > 0) this.tracer.record({ actor: 'device', op: 'TDI → ERROR', args: { functions: moved.join(',') }, result: 'ok' });
    return moved;
  }

  isTdi(bdf: Bdf): boolean {
    const s = this.sites.get(bdf);
    return s !== undefined && (s.fn.tdi ?? true);
  }

  snapshot(): { lockEpochs: Record<Bdf, number> } {
    return { lockEpochs: Object.fromEntries(this.lockEpochs) };
  }

  restore(s: { lockEpochs: Record<Bdf, number> }): void {
    this.lockEpochs.clear();
    for (const [k, v] of Object.entries(s.lockEpochs)) this.lockEpochs.set(k, v);
  }
}

