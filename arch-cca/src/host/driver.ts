import {
  type Bdf,
  DEVICE_LINK,
  type DeviceLink,
  type FwResult,
  TRACER,
  type Tracer,
  fail,
  ok,
  relayToDevice,
} from '@teeio/core';
import { inject, injectable } from 'tsyringe';
import { CCA, type CacheObject, type PdevStateName, type VdevStateName } from '../codes.js';
import type { CommEnter, CommExit } from '../firmware/comm.js';
import { PdevCalls } from '../firmware/pdev.js';
import { RmmFirmware } from '../firmware/rmm.js';
import type { CacheFragment, DaRequest } from '../firmware/state.js';
import { VdevCalls } from '../firmware/vdev.js';

/** The host retries a call the RMM found busy once (teeio's choice; the sources give no policy). */
export function retryBusy<T>(call: () => FwResult<T>): FwResult<T> {
  const r = call();
  return !r.ok && r.code === CCA.BUSY ? call() : r;
}

/** One of the two objects the pump drives. */
interface Pumped<S extends string> {
  communicate(enter: CommEnter): FwResult<CommExit>;
  abort(): FwResult;
  state(): FwResult<S>;
  cache: Partial<Record<CacheObject, string>>;
}

/**
 * The host's side of RMM device assignment (drivers/virt/coco/arm-cca-host, rmi-da.c): the
 * communicate pump (__do_dev_communicate) that carries each request the RMM yields over the
 * DSM's DOE mailbox, caches the fragments the RMM hands out (certificates, VCA, measurements,
 * interface report: the RMM keeps only their digests), then reads the object's state; and the
 * abort the host issues when a DOE transfer or a call fails (host v3).
 */
@injectable()
export class CcaHostDriver {
  constructor(
    @inject(DEVICE_LINK) private readonly link: DeviceLink,
    @inject(TRACER) private readonly tracer: Tracer,
    @inject(RmmFirmware) private readonly fw: RmmFirmware,
    @inject(PdevCalls) private readonly pdevs: PdevCalls,
    @inject(VdevCalls) private readonly vdevs: VdevCalls,
  ) {}

  /** pci_tsm_doe_transfer of one request (DOE CMA or SSESSION), hex response. */
  relay(req: DaRequest): FwResult<string> {
    return relayToDevice(this.link, this.tracer, req, 'request buffer');
  }

  /**
   * Runs the pending operation to its end: communicate; cache what CACHE_RSP hands over;
   * carry each REQ_SEND and enter the next call with RESPONSE (or ERROR when the transfer
   * failed); then the object's state. A failed call or transfer makes the host abort the
   * operation so the object's comm state is IDLE again.
   */
  private pump<S extends string>(o: Pumped<S>, clear: readonly CacheObject[]): FwResult<S> {
    for (const c of clear) delete o.cache[c];
    let enter: CommEnter = { status: 'NONE' };
    let lost: FwResult<never> | undefined;
    for (;;) {
      const r = o.communicate(enter);
      if (!r.ok) {
        retryBusy(() => o.abort());
        return r;
      }
      for (const f of r.value.cache) this.store(o.cache, f);
      const send = r.value.send;
      if (!send) break;
      const carried = this.relay(send);
      if (!carried.ok) lost = carried;
      enter = carried.ok ? { status: 'RESPONSE', response: carried.value, carried: send.label } : { status: 'ERROR', why: carried.code, carried: send.label };
    }
    const state = o.state();
    if (lost) {
      retryBusy(() => o.abort());
      return lost;
    }
    return state;
  }

  private store(cache: Partial<Record<CacheObject, string>>, f: CacheFragment): void {
    cache[f.object] = (cache[f.object] ?? '') + f.data;
  }

  /** Pumps a PDEV's operation (do_pdev_communicate) and checks it reached `target`. */
  pdevOp(id: Bdf, target: PdevStateName): FwResult {
    const cache = (this.fw.state.host.pdevs[id] ??= {});
    const r = this.pump<PdevStateName>({ communicate: (e) => this.pdevs.communicate(id, e), abort: () => this.pdevs.abort(id), state: () => this.pdevs.getState(id), cache }, []);
    return reached(r, id, target);
  }

  /** Pumps a VDEV's operation (do_vdev_communicate) and checks it reached `target`; `clear` drops stale cached objects first. */
  vdevOp(tdi: Bdf, target: VdevStateName, clear: readonly CacheObject[] = []): FwResult {
    const cache = (this.fw.state.host.vdevs[tdi] ??= {});
    const r = this.pump<VdevStateName>({ communicate: (e) => this.vdevs.communicate(tdi, e), abort: () => this.vdevs.abort(tdi), state: () => this.vdevs.getState(tdi), cache }, clear);
    return reached(r, tdi, target);
  }
}

function reached<S extends string>(r: FwResult<S>, id: Bdf, target: S): FwResult {
  if (!r.ok) return r;
  return r.value === target ? ok(undefined) : fail('-EIO', `${id} is ${r.value}, not ${target}`);
}
