import { type Bdf, type FwResult, LockInterfaceFlag, OK, RANDOM, type SeededRandom, type VmId, fromHex, ok, sha384, toHex } from '@teeio/core';
import { inject, injectable } from 'tsyringe';
import { CCA, type VdevStateName } from '../codes.js';
import { type CommEnter, type CommExit, type DaHandler, enterArgs, communicate, startOp } from './comm.js';
import { labelOf, parseTdisp, tdispHead, tdispRequest } from './messages.js';
import { RmmFirmware } from './rmm.js';
import { DEV_GRANULES } from './dev-mem-runs.js';
import { GRANULE, bounds, cuts, lookup } from './granule-runs.js';
import type { DaOp, VdevState } from './state.js';

const { fail } = RmmFirmware;

/** Bytes of a nonce the RMM stamps (generate_attest_info_nonce; the width is teeio's choice). */
const NONCE_BYTES = 8;
/** A report that has not ended after this many portions is refused. */
const MAX_REPORT_PORTIONS = 64;

/** The states each host-driven operation starts from (§5: anything else is RMI_ERROR_DEVICE). */
const OP_STATES: Record<string, readonly VdevStateName[]> = {
  LOCK: ['UNLOCKED'],
  START: ['LOCKED'],
  GET_INTERFACE_REPORT: ['LOCKED', 'STARTED'],
  UNLOCK: ['LOCKED', 'STARTED', 'ERROR'],
};

/** Parameters of RMI_VDEV_CREATE the model uses. */
export interface VdevParams {
  /** vdev_id: the guest RID. */
  readonly vdevId: number;
  /** The TDI's BARs: the ranges RTT_DEV_MAP may map. */
  readonly addrRanges: readonly { base: bigint; size: bigint }[];
}

/**
 * VDEVs at RMM 2.0 (arm-cca.md §2, §3, §5): RMI_VDEV_CREATE (NEW with an UNLOCK pending),
 * the host-driven operations LOCK, GET_INTERFACE_REPORT, GET_MEASUREMENTS, START and UNLOCK
 * (in alp12 the realm started them with RSI_RDEV_*; commit e8f136bf moved them to the host),
 * each completed through RMI_VDEV_COMMUNICATE carrying the TDISP messages, DESTROY, ABORT,
 * GET_STATE, and RMI_VDEV_COMPLETE, which answers a realm's RSI_VDEV_* exit.
 */
@injectable()
export class VdevCalls {
  constructor(
    @inject(RmmFirmware) private readonly fw: RmmFirmware,
    @inject(RANDOM) private readonly random: SeededRandom,
  ) {}

  /**
   * RMI_VDEV_CREATE(rd, pdev, vdev, params): needs the PDEV READY with its NCOH stream
   * connected; configures the SMMU stream table entry for the realm's stage 2, disabled
   * (smmuv3_configure_stream); NEW with the UNLOCK operation pending.
   */
  create(vm: VmId, pdev: Bdf, tdi: Bdf, params: VdevParams): FwResult {
    return this.fw.call('RMI_VDEV_CREATE', { rd: this.fw.realm(vm)?.rd ?? vm, pdev, tdiId: tdi, vdevId: params.vdevId }, () => {
      const realm = this.fw.realm(vm);
      if (realm?.state !== 'ACTIVE') return fail(CCA.ERROR_REALM, `${vm} has no active realm`);
      const p = this.fw.pdev(pdev);
      if (!p || p.category !== 'ENDPOINT') return fail(CCA.ERROR_INPUT, `no endpoint PDEV ${pdev}`);
      if (this.fw.vdev(tdi) || this.fw.vdevOfRealm(vm, params.vdevId)) return fail(CCA.ERROR_INPUT, `${tdi} or vdev_id ${params.vdevId} has a VDEV already`);
      const ncoh = Object.values(p.streams).find((s) => s.type === 'NCOH');
      if ((p.state !== 'READY' || ncoh?.state !== 'CONNECTED') && this.fw.enforces('vdev-create-requires-ready-stream'))
        return fail(CCA.ERROR_DEVICE, `${pdev} is ${p.state} and its NCOH stream ${ncoh ? ncoh.state : 'absent'}`);
      const v: VdevState = {
        tdi,
        vdevId: params.vdevId,
        pdev,
        realm: vm,
        state: 'NEW',
        comm: 'IDLE',
        addrRanges: params.addrRanges.map((r) => ({ base: `0x${r.base.toString(16)}`, size: `0x${r.size.toString(16)}` })),
        ste: 'DISABLED',
        nonces: {},
        digests: {},
        reportSoFar: '',
      };
      startOp(v, 'UNLOCK');
      this.fw.state.vdevs[tdi] = v;
      p.numVdevs++;
      realm.vdevs++;
      return OK;
    });
  }

  /** RMI_VDEV_GET_STATE. */
  getState(tdi: Bdf): FwResult<VdevStateName> {
    return this.fw.call('RMI_VDEV_GET_STATE', { vdev: tdi }, () => {
      const v = this.fw.vdev(tdi);
      return v ? ok(v.state) : fail(CCA.ERROR_INPUT, `no VDEV ${tdi}`);
    });
  }

  /** A new operation on the VDEV: its state allows it and none is pending. */
  private begin(op: string, tdi: Bdf, states?: readonly VdevStateName[]): FwResult {
    return this.fw.call(`RMI_VDEV_${op}`, { vdev: tdi }, () => {
      const v = this.fw.vdev(tdi);
      if (!v) return fail(CCA.ERROR_INPUT, `no VDEV ${tdi}`);
      if (states && !states.includes(v.state) && this.fw.enforces('vdev-op-requires-state')) return fail(CCA.ERROR_DEVICE, `${op} in ${v.state}`);
      if (v.comm !== 'IDLE' && this.fw.enforces('vdev-one-pending-op')) return fail(CCA.ERROR_DEVICE, `${v.op?.name ?? 'an operation'} is pending (${v.comm})`);
      if (op === 'UNLOCK') {
        const mapped = this.mappedGranule(v);
        if (mapped && this.fw.enforces('vdev-unlock-requires-no-dev-mapping')) {
          this.fw.ret({ x1: mapped });
          return fail(CCA.ERROR_GRANULE, `device granule ${mapped} of ${tdi} is still mapped`);
        }
        // smmuv3_disable_ste: "stop device from DMAing to realm memory".
        v.ste = 'DISABLED';
      }
      startOp(v, op);
      return OK;
    });
  }

  /**
   * The PA of the first device granule (lowest address) in the VDEV's ranges that an entry of
   * its realm's RTT maps and that is MAPPED, as the RMM finds walking the ranges granule by granule.
   */
  mappedGranule(v: VdevState): string | undefined {
    const { granules } = this.fw.state;
    const mapped = (pa: bigint) => lookup(granules, DEV_GRANULES, pa)?.state === 'MAPPED' && inRanges(pa, v.addrRanges);
    const found = Object.values(this.fw.realm(v.realm)?.rtt ?? {}).flatMap((run) => {
      if (run.state !== 'ASSIGNED_DEV' || run.pa === undefined) return [];
      const pa = BigInt(run.pa);
      // Both conditions are constant between these offsets.
      const k = cuts(pa, run.pages, [...bounds(granules), ...rangeBounds(v.addrRanges)]).find((o) => mapped(pa + BigInt(o) * GRANULE));
      return k === undefined ? [] : [pa + BigInt(k) * GRANULE];
    });
    return found.length === 0 ? undefined : `0x${found.reduce((a, b) => (b < a ? b : a)).toString(16)}`;
  }

  lock(tdi: Bdf): FwResult {
    return this.begin('LOCK', tdi, OP_STATES['LOCK']);
  }

  start(tdi: Bdf): FwResult {
    return this.begin('START', tdi, OP_STATES['START']);
  }

  getInterfaceReport(tdi: Bdf): FwResult {
    return this.begin('GET_INTERFACE_REPORT', tdi, OP_STATES['GET_INTERFACE_REPORT']);
  }

  /** RMI_VDEV_GET_MEASUREMENTS. The real RMM checks no state and lets it replace a pending op; the model refuses while one is pending. */
  getMeasurements(tdi: Bdf): FwResult {
    return this.begin('GET_MEASUREMENTS', tdi);
  }

  /** RMI_VDEV_UNLOCK: RMI_ERROR_GRANULE (x1 = the PA) while a device granule is mapped; disables the STE. */
  unlock(tdi: Bdf): FwResult {
    return this.begin('UNLOCK', tdi, OP_STATES['UNLOCK']);
  }

  /** RMI_VDEV_COMMUNICATE(rd, pdev, vdev, comm data): one step of the pending operation. */
  communicate(tdi: Bdf, enter: CommEnter): FwResult<CommExit> {
    return this.fw.call('RMI_VDEV_COMMUNICATE', { vdev: tdi, ...enterArgs(enter) }, () => {
      const v = this.fw.vdev(tdi);
      if (!v) return fail(CCA.ERROR_INPUT, `no VDEV ${tdi}`);
      return communicate(v, enter, this.handler(v, v.op?.name ?? ''), (op) => this.finish(v, op), () => void (v.state = 'ERROR'));
    });
  }

  /** RMI_VDEV_ABORT: cancels the pending operation and forces ERROR; the comm state is IDLE again. */
  abort(tdi: Bdf): FwResult {
    return this.fw.call('RMI_VDEV_ABORT', { vdev: tdi }, () => {
      const v = this.fw.vdev(tdi);
      if (!v) return fail(CCA.ERROR_INPUT, `no VDEV ${tdi}`);
      if (v.comm === 'IDLE' && this.fw.enforces('vdev-abort-requires-pending')) return fail(CCA.ERROR_DEVICE, `nothing is pending on ${tdi}`);
      delete v.op;
      Object.assign(v, { comm: 'IDLE', state: 'ERROR' });
      return OK;
    });
  }

  /**
   * RMI_VDEV_DESTROY: only in NEW or UNLOCKED ("To destroy a VDEV in error state, VDEV_UNLOCK
   * must be called on it before VDEV_DESTROY"); releases the STE (smmuv3_release_ste) and the
   * PDEV's and realm's counts. Stricter than the real RMM: refused while a device granule of
   * the VDEV is still mapped (TF-RMM does not check it in UNLOCKED).
   */
  destroy(tdi: Bdf): FwResult {
    return this.fw.call('RMI_VDEV_DESTROY', { vdev: tdi }, () => {
      const v = this.fw.vdev(tdi);
      if (!v) return fail(CCA.ERROR_INPUT, `no VDEV ${tdi}`);
      if (v.state !== 'NEW' && v.state !== 'UNLOCKED' && this.fw.enforces('vdev-destroy-requires-new-or-unlocked')) return fail(CCA.ERROR_DEVICE, `${tdi} is ${v.state}`);
      const mapped = this.mappedGranule(v);
      if (mapped) {
        this.fw.ret({ x1: mapped });
        return fail(CCA.ERROR_GRANULE, `device granule ${mapped} of ${tdi} is still mapped`);
      }
      delete this.fw.state.vdevs[tdi];
      const p = this.fw.pdev(v.pdev);
      if (p) p.numVdevs--;
      const realm = this.fw.realm(v.realm);
      if (realm) realm.vdevs--;
      return OK;
    });
  }

  /** RMI_VDEV_COMPLETE(rec, vdev): the host names the VDEV the realm's pending RSI_VDEV_* request is about. */
  complete(vm: VmId, tdi: Bdf): FwResult {
    const realm = this.fw.realm(vm);
    return this.fw.call('RMI_VDEV_COMPLETE', { rec: `${realm?.rd ?? vm}.rec0`, vdev: tdi }, () => {
      const v = this.fw.vdev(tdi);
      if (!realm?.rec.pending) return fail(CCA.ERROR_INPUT, `the REC of ${vm} has no VDEV request`);
      if (!v || v.realm !== vm || v.vdevId !== realm.rec.pending.vdevId) return fail(CCA.ERROR_INPUT, `${tdi} is not vdev_id ${realm.rec.pending.vdevId} of ${vm}`);
      realm.rec.pending.completedWith = tdi;
      return OK;
    });
  }

  private nonce(): string {
    return toHex(this.random.bytes(NONCE_BYTES));
  }

  private finish(v: VdevState, op: DaOp): void {
    switch (op.name) {
      case 'UNLOCK':
        v.state = 'UNLOCKED';
        delete v.startNonce;
        return;
      case 'LOCK':
        v.state = 'LOCKED';
        v.startNonce = String(op.ctx['startNonce']);
        v.nonces.lock = this.nonce();
        return;
      case 'GET_INTERFACE_REPORT':
        v.digests.report = sha384(fromHex(v.reportSoFar));
        v.nonces.report = this.nonce();
        return;
      case 'GET_MEASUREMENTS':
        v.digests.measurements = String(op.ctx['digest']);
        v.nonces.meas = this.nonce();
        return;
      case 'START':
        v.state = 'STARTED';
        return;
    }
  }

  private handler(v: VdevState, name: string): DaHandler {
    const head = tdispHead(v.tdi);
    const awaiting = (type: string, then: (m: NonNullable<ReturnType<typeof parseTdisp>>, op: DaOp) => ReturnType<DaHandler['resume']>) => (op: DaOp, response: string) => {
      const m = parseTdisp(response);
      return m?.messageType === type ? then(m, op) : { error: `${labelOf(m)} does not answer ${op.request?.label ?? name}` };
    };
    switch (name) {
      case 'UNLOCK':
        return { begin: () => ({ send: tdispRequest(v.tdi, { ...head, messageType: 'STOP_INTERFACE_REQUEST' }) }), resume: awaiting('STOP_INTERFACE_RESPONSE', () => ({ done: true })) };
      case 'LOCK':
        return {
          begin: () => ({
            send: tdispRequest(v.tdi, { ...head, messageType: 'LOCK_INTERFACE_REQUEST', flags: LockInterfaceFlag.NO_FW_UPDATE, defaultStreamId: 0, mmioReportingOffset: 0n, bindP2pAddressMask: 0n }),
          }),
          resume: awaiting('LOCK_INTERFACE_RESPONSE', (m, op) => {
            if (m.messageType === 'LOCK_INTERFACE_RESPONSE') op.ctx['startNonce'] = toHex(m.startInterfaceNonce);
            return { done: true };
          }),
        };
      case 'GET_INTERFACE_REPORT': {
        const portion = (): ReturnType<DaHandler['begin']> => ({ send: tdispRequest(v.tdi, { ...head, messageType: 'GET_DEVICE_INTERFACE_REPORT', offset: v.reportSoFar.length / 2, length: 0xffff }) });
        return {
          begin: (op) => {
            v.reportSoFar = '';
            op.ctx['portions'] = 0;
            return portion();
          },
          resume: awaiting('DEVICE_INTERFACE_REPORT', (m, op) => {
            if (m.messageType !== 'DEVICE_INTERFACE_REPORT') return { error: 'not a report' };
            const data = toHex(m.portion);
            v.reportSoFar += data;
            op.ctx['portions'] = Number(op.ctx['portions']) + 1;
            const cache = [{ object: 'INTERFACE_REPORT' as const, data }];
            if (m.remainderLength === 0) return { done: true, cache };
            return Number(op.ctx['portions']) < MAX_REPORT_PORTIONS ? { ...portion(), cache } : { error: 'the report does not end' };
          }),
        };
      }
      case 'GET_MEASUREMENTS':
        // SPDM GET_MEASUREMENTS over the secure session is not sent (see PdevCalls): the app yields the record to cache.
        return {
          begin: (op) => {
            const record = toHex(this.random.bytes(48));
            op.ctx['digest'] = sha384(fromHex(record));
            return { done: true, cache: [{ object: 'MEASUREMENTS', data: record }] };
          },
          resume: () => ({ error: 'GET_MEASUREMENTS sends nothing' }),
        };
      case 'START':
        return {
          begin: () => ({ send: tdispRequest(v.tdi, { ...head, messageType: 'START_INTERFACE_REQUEST', startInterfaceNonce: fromHex(v.startNonce ?? '') }) }),
          resume: awaiting('START_INTERFACE_RESPONSE', () => ({ done: true })),
        };
      default:
        return { begin: () => ({ error: `unknown operation ${name}` }), resume: () => ({ error: `unknown operation ${name}` }) };
    }
  }
}

/** Whether `pa` lies in one of the (base, size) ranges. */
export function inRanges(pa: bigint, ranges: readonly { base: string; size: string }[]): boolean {
  return ranges.some((r) => pa >= BigInt(r.base) && pa < BigInt(r.base) + BigInt(r.size));
}

/** Where membership of the ranges changes: each range's base and end. */
export function rangeBounds(ranges: readonly { base: string; size: string }[]): bigint[] {
  return ranges.flatMap((r) => [BigInt(r.base), BigInt(r.base) + BigInt(r.size)]);
}
