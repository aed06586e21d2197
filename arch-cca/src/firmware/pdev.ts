import {
  type Bdf,
  DoeDataObjectType,
  type FwResult,
  type IdeKmMessage,
  K0_KEY_SLOTS,
  OK,
  RANDOM,
  type SeededRandom,
  fromHex,
  isIdeKmAccepted,
  ok,
  sha384,
  toHex,
} from '@teeio/core';
import { inject, injectable } from 'tsyringe';
import { CCA, type PdevStateName, PUBKEY_LENGTHS, type PubkeyAlgo } from '../codes.js';
import { type CommEnter, type CommExit, type DaHandler, enterArgs, type DaStep, communicate, startOp } from './comm.js';
import { discoveryRequest, idekmRequest, parseDiscovery, parseIdeKm } from './messages.js';
import { RmmFirmware } from './rmm.js';
import type { DaOp, PdevState, StreamState } from './state.js';

const { fail } = RmmFirmware;

/** The IDE Stream ID the RMM programs for an endpoint's NCOH stream (the devices model stream 0). */
const NCOH_STREAM_ID = 0;
/** DOE Discovery entries the app reads at most. */
const MAX_DISCOVERY = 8;
/** Key material of an IDE_KM KEY_PROG (256-bit AES-GCM key). */
const IDE_KEY_BYTES = 32;

/** The leaf public key of a certificate chain teeio synthesises: its last 97 bytes (a P-384 point, 0x04 ‖ X ‖ Y). */
export function leafKeyOf(chainHex: string): Uint8Array {
  return fromHex(chainHex).slice(-PUBKEY_LENGTHS.ECDSA_P384);
}

/** Parameters of RMI_PDEV_CREATE (RmiPdevParams) the model uses. */
export interface PdevParams {
  readonly category: 'ROOTPORT' | 'ENDPOINT';
  readonly rootPort?: Bdf;
  /** ncoh_addr_range[]: the BARs, as (base, size). */
  readonly addrRanges: readonly { base: bigint; size: bigint }[];
}

/**
 * PDEVs (arm-cca.md §1, §5): RMI_PDEV_CREATE, the communicate pump, RMI_PDEV_SET_PUBKEY, the
 * PDEV_STREAM_* calls between an endpoint and its root port, STOP, DESTROY, ABORT, GET_STATE.
 *
 * Simplification: SPDM itself is not sent (the simulated device answers DOE Discovery and
 * PCI-SIG vendor-defined messages only). The connect op walks DOE Discovery through the host
 * and then yields the VCA and certificate chain for the host to cache, synthesised from the
 * run's seeded source; the root port's IDE keys go through EL3 (no DOE), the endpoint's
 * through IDE_KM, carried in plain VDMs where a real session encrypts.
 */
@injectable()
export class PdevCalls {
  constructor(
    @inject(RmmFirmware) private readonly fw: RmmFirmware,
    @inject(RANDOM) private readonly random: SeededRandom,
  ) {}

  /** RMI_PDEV_CREATE(pdev, params): NEW, with the connect operation pending. */
  create(id: Bdf, params: PdevParams): FwResult {
    return this.fw.call('RMI_PDEV_CREATE', { pdev: id, category: params.category, rootId: params.rootPort, flags: params.category === 'ENDPOINT' ? 'SPDM|IDE' : 'IDE' }, () => {
      if (this.fw.pdev(id)) return fail(CCA.ERROR_INPUT, `${id} has a PDEV already`);
      if (params.category === 'ENDPOINT' && (!params.rootPort || this.fw.pdev(params.rootPort)?.category !== 'ROOTPORT'))
        return fail(CCA.ERROR_INPUT, `the root port ${params.rootPort ?? '(none)'} of ${id} has no PDEV`);
      const p: PdevState = {
        id,
        category: params.category,
        state: 'NEW',
        comm: 'IDLE',
        numVdevs: 0,
        addrRanges: params.addrRanges.map((r) => ({ base: `0x${r.base.toString(16)}`, size: `0x${r.size.toString(16)}` })),
        digests: {},
        streams: {},
        ...(params.rootPort ? { rootPort: params.rootPort } : {}),
      };
      startOp(p, 'CONNECT');
      this.fw.state.pdevs[id] = p;
      return OK;
    });
  }

  /** RMI_PDEV_GET_STATE. */
  getState(id: Bdf): FwResult<PdevStateName> {
    return this.fw.call('RMI_PDEV_GET_STATE', { pdev: id }, () => {
      const p = this.fw.pdev(id);
      return p ? ok(p.state) : fail(CCA.ERROR_INPUT, `no PDEV ${id}`);
    });
  }

  /** RMI_PDEV_COMMUNICATE(pdev, comm data): one step of the pending operation. */
  communicate(id: Bdf, enter: CommEnter): FwResult<CommExit> {
    return this.fw.call('RMI_PDEV_COMMUNICATE', { pdev: id, ...enterArgs(enter) }, () => {
      const p = this.fw.pdev(id);
      if (!p) return fail(CCA.ERROR_INPUT, `no PDEV ${id}`);
      const name = p.op?.name ?? '';
      // A failed operation leaves ERROR; a failed STOP still ends STOPPED (alp12's STOPPING did, §1).
      return communicate(p, enter, this.handler(p, name), (op) => this.finish(p, op), () => void (p.state = name === 'STOP' ? 'STOPPED' : 'ERROR'));
    });
  }

  /** RMI_PDEV_SET_PUBKEY(pdev, key, algo): HAS_KEY, and the READY operation starts. */
  setPubkey(id: Bdf, key: Uint8Array, algo: PubkeyAlgo): FwResult {
    return this.fw.call('RMI_PDEV_SET_PUBKEY', { pdev: id, algo, keyLen: key.length }, () => {
      const p = this.fw.pdev(id);
      if (!p) return fail(CCA.ERROR_INPUT, `no PDEV ${id}`);
      if (this.fw.enforces('pdev-set-pubkey-checks-key')) {
        if (p.state !== 'NEEDS_KEY') return fail(CCA.ERROR_DEVICE, `${id} is ${p.state}, not NEEDS_KEY`);
        if (key.length !== PUBKEY_LENGTHS[algo]) return fail(CCA.ERROR_INPUT, `a ${algo} key is ${PUBKEY_LENGTHS[algo]} bytes, not ${key.length}`);
      }
      Object.assign(p, { state: 'HAS_KEY', pubkeyAlgo: algo });
      p.digests.pubkey = sha384(key);
      startOp(p, 'READY');
      return OK;
    });
  }

  /** RMI_PDEV_STREAM_CONNECT(endpoint, root port): IDE keys programmed through IDE_KM (the root port's through EL3). */
  streamConnect(id: Bdf, rootPort: Bdf): FwResult {
    return this.fw.call('RMI_PDEV_STREAM_CONNECT', { pdev: id, rootPort, type: 'NCOH', streamId: NCOH_STREAM_ID }, () => {
      const p = this.fw.pdev(id);
      const rp = this.fw.pdev(rootPort);
      if (!p || p.category !== 'ENDPOINT' || rp?.category !== 'ROOTPORT') return fail(CCA.ERROR_INPUT, `${id} and ${rootPort} are not an endpoint and its root port`);
      if (p.state !== 'READY' || rp.state !== 'READY' || p.comm !== 'IDLE') return fail(CCA.ERROR_DEVICE, `${id} is ${p.state} (${p.comm}), its root port ${rp.state}`);
      if (p.streams[String(NCOH_STREAM_ID)]) return fail(CCA.ERROR_DEVICE, `${id} has stream ${NCOH_STREAM_ID} already`);
      p.streams[String(NCOH_STREAM_ID)] = { type: 'NCOH', rootPort, ideStreamId: NCOH_STREAM_ID, state: 'CONNECTING' };
      startOp(p, 'STREAM_CONNECT');
      return OK;
    });
  }

  /** RMI_PDEV_STREAM_COMPLETE: the keys are programmed; K_SET_GO on every sub-stream enables the stream. */
  streamComplete(id: Bdf): FwResult {
    return this.fw.call('RMI_PDEV_STREAM_COMPLETE', { pdev: id, streamId: NCOH_STREAM_ID }, () => {
      const p = this.fw.pdev(id);
      const s = p?.streams[String(NCOH_STREAM_ID)];
      if (!p || !s) return fail(CCA.ERROR_INPUT, `${id} has no stream ${NCOH_STREAM_ID}`);
      if (s.state !== 'KEY_PROGRAMMED' || p.comm !== 'IDLE') return fail(CCA.ERROR_DEVICE, `stream ${NCOH_STREAM_ID} of ${id} is ${s.state}`);
      startOp(p, 'STREAM_COMPLETE');
      return OK;
    });
  }

  /** RMI_PDEV_STREAM_DISCONNECT: K_SET_STOP on every sub-stream; refused while a VDEV uses the PDEV. */
  streamDisconnect(id: Bdf): FwResult {
    return this.fw.call('RMI_PDEV_STREAM_DISCONNECT', { pdev: id, streamId: NCOH_STREAM_ID }, () => {
      const p = this.fw.pdev(id);
      const s = p?.streams[String(NCOH_STREAM_ID)];
      if (!p || !s) return fail(CCA.ERROR_INPUT, `${id} has no stream ${NCOH_STREAM_ID}`);
      if (p.numVdevs > 0 && this.fw.enforces('stream-disconnect-requires-no-vdev')) return fail(CCA.ERROR_DEVICE, `${id} has ${p.numVdevs} VDEV(s)`);
      if (p.comm !== 'IDLE') return fail(CCA.ERROR_DEVICE, `${id} is running ${p.op?.name ?? 'an operation'}`);
      s.state = 'DISCONNECTING';
      startOp(p, 'STREAM_DISCONNECT');
      return OK;
    });
  }

  /** RMI_PDEV_STOP: the stop operation (libspdm stop_session), then STOPPED. */
  stop(id: Bdf): FwResult {
    return this.fw.call('RMI_PDEV_STOP', { pdev: id }, () => {
      const p = this.fw.pdev(id);
      if (!p) return fail(CCA.ERROR_INPUT, `no PDEV ${id}`);
      if (this.fw.enforces('pdev-stop-requires-no-vdev')) {
        if (p.numVdevs > 0) return fail(CCA.ERROR_DEVICE, `${id} has ${p.numVdevs} VDEV(s)`);
        const streams = Object.keys(p.streams);
        if (streams.length > 0) return fail(CCA.ERROR_DEVICE, `${id} has stream ${streams.join(', ')}`);
        const children = Object.values(this.fw.state.pdevs).filter((e) => e.rootPort === id);
        if (children.length > 0) return fail(CCA.ERROR_DEVICE, `endpoint ${children.map((c) => c.id).join(', ')} hangs off root port ${id}`);
      }
      if (p.state === 'STOPPED' || p.comm !== 'IDLE') return fail(CCA.ERROR_DEVICE, `${id} is ${p.state} (${p.comm})`);
      startOp(p, 'STOP');
      return OK;
    });
  }

  /** RMI_PDEV_DESTROY: only once STOPPED. */
  destroy(id: Bdf): FwResult {
    return this.fw.call('RMI_PDEV_DESTROY', { pdev: id }, () => {
      const p = this.fw.pdev(id);
      if (!p) return fail(CCA.ERROR_INPUT, `no PDEV ${id}`);
      if (p.state !== 'STOPPED' && this.fw.enforces('pdev-destroy-requires-stopped')) return fail(CCA.ERROR_DEVICE, `${id} is ${p.state}, not STOPPED`);
      if (p.numVdevs > 0) return fail(CCA.ERROR_DEVICE, `${id} has ${p.numVdevs} VDEV(s)`);
      delete this.fw.state.pdevs[id];
      return OK;
    });
  }

  /** RMI_PDEV_ABORT: cancels the app; the comm state is IDLE again and a cancelled op leaves ERROR. */
  abort(id: Bdf): FwResult {
    return this.fw.call('RMI_PDEV_ABORT', { pdev: id }, () => {
      const p = this.fw.pdev(id);
      if (!p) return fail(CCA.ERROR_INPUT, `no PDEV ${id}`);
      if (p.comm === 'IDLE') return fail(CCA.ERROR_DEVICE, `nothing is pending on ${id}`);
      const s = p.streams[String(NCOH_STREAM_ID)];
      if (s && s.state !== 'CONNECTED' && s.state !== 'KEY_PROGRAMMED') delete p.streams[String(NCOH_STREAM_ID)];
      if (p.op?.name !== 'STOP') p.state = 'ERROR';
      delete p.op;
      p.comm = 'IDLE';
      return OK;
    });
  }

  private finish(p: PdevState, op: DaOp): void {
    const s = p.streams[String(NCOH_STREAM_ID)];
    switch (op.name) {
      case 'CONNECT':
        p.state = p.category === 'ROOTPORT' ? 'READY' : 'NEEDS_KEY';
        return;
      case 'READY':
        p.state = 'READY';
        return;
      case 'STOP':
        p.state = 'STOPPED';
        return;
      case 'STREAM_CONNECT':
        if (s) s.state = 'KEY_PROGRAMMED';
        return;
      case 'STREAM_COMPLETE':
        if (s) s.state = 'CONNECTED';
        return;
      case 'STREAM_DISCONNECT':
        delete p.streams[String(NCOH_STREAM_ID)];
        return;
    }
  }

  private handler(p: PdevState, name: string): DaHandler {
    const none: DaHandler = { begin: () => ({ done: true }), resume: () => ({ error: `${name} sends nothing` }) };
    if (name === 'CONNECT' && p.category === 'ENDPOINT') return this.connectHandler(p);
    if (name === 'READY') return this.readyHandler(p);
    const s = p.streams[String(NCOH_STREAM_ID)];
    if (s && name === 'STREAM_CONNECT') return this.keyHandler(p, s, 'KEY_PROG');
    if (s && name === 'STREAM_COMPLETE') return this.keyHandler(p, s, 'K_SET_GO');
    if (s && name === 'STREAM_DISCONNECT') return this.keyHandler(p, s, 'K_SET_STOP');
    return none;
  }

  /** NEW → NEEDS_KEY: DOE Discovery, then the VCA and certificate chain for the host to cache. */
  private connectHandler(p: PdevState): DaHandler {
    return {
      begin: (op) => {
        op.ctx['types'] = '';
        return { send: discoveryRequest(p.id, 0) };
      },
      resume: (op, response) => {
        const d = parseDiscovery(response);
        if (!d) return { error: 'invalid DOE Discovery response' };
        const types = `${op.ctx['types']}${d.dataObjectType},`;
        op.ctx['types'] = types;
        const read = Number(op.ctx['read'] ?? 0) + 1;
        op.ctx['read'] = read;
        if (d.nextIndex !== 0 && read < MAX_DISCOVERY) return { send: discoveryRequest(p.id, d.nextIndex) };
        const found = types.split(',').filter((t) => t !== '').map(Number);
        if (!found.includes(DoeDataObjectType.SPDM) || !found.includes(DoeDataObjectType.SECURED_SPDM)) return { error: `the DOE mailbox of ${p.id} lacks SPDM or secured SPDM` };
        // Here libspdm runs init_connection and GET_CERTIFICATE (not sent, see the class comment).
        const vca = toHex(this.random.bytes(48));
        const key = Uint8Array.of(0x04, ...this.random.bytes(PUBKEY_LENGTHS.ECDSA_P384 - 1));
        const chain = toHex(this.random.bytes(64)) + toHex(key);
        p.digests.vca = sha384(fromHex(vca));
        p.digests.certificates = sha384(fromHex(chain));
        return { done: true, cache: [{ object: 'VCA', data: vca }, { object: 'CERTIFICATE', data: chain }] };
      },
    };
  }

  /** HAS_KEY → READY: challenge and session (not sent), IDE_KM QUERY for the device's ports. */
  private readyHandler(p: PdevState): DaHandler {
    return {
      begin: () => ({ send: idekmRequest(p.id, { objectId: 'QUERY', portIndex: 0 }) }),
      resume: (_op, response) => (parseIdeKm(response)?.objectId === 'QUERY_RESP' ? { done: true } : { error: `${p.id} did not answer IDE_KM QUERY` }),
    };
  }

  /** The endpoint's side of the stream, one IDE_KM message per sub-stream. */
  private keyHandler(p: PdevState, s: StreamState, kind: 'KEY_PROG' | 'K_SET_GO' | 'K_SET_STOP'): DaHandler {
    const message = (i: number): IdeKmMessage => {
      const keySubStream = K0_KEY_SLOTS[i];
      if (!keySubStream) throw new RangeError(`no sub-stream #${i}`);
      const head = { streamId: s.ideStreamId, keySubStream, portIndex: 0 };
      return kind === 'KEY_PROG' ? { objectId: 'KEY_PROG', ...head, key: this.random.bytes(IDE_KEY_BYTES), ifv: new Uint8Array(8) } : { objectId: kind, ...head };
    };
    const next = (op: DaOp, i: number): DaStep => {
      op.ctx['i'] = i;
      return { send: idekmRequest(p.id, message(i)) };
    };
    return {
      begin: (op) => next(op, 0),
      resume: (op, response) => {
        const r = parseIdeKm(response);
        if (!isIdeKmAccepted(kind, r)) return { error: `${p.id} refused ${kind}: ${r ? r.objectId : 'no IDE_KM response'}` };
        const i = Number(op.ctx['i']) + 1;
        return i < K0_KEY_SLOTS.length ? next(op, i) : { done: true };
      },
    };
  }
}
