import type { DeviceSnapshot } from '../device/snapshot.js';
import { TdispDevice } from '../device/device.js';
import { spdmEmuSample } from '../device/presets.js';
import { interfaceIdOf, LockInterfaceFlag, tdisp, TDISP_VERSION_10, TdiState, type TdispMessage } from '../wire/index.js';

/**
 * The bounded TDISP model shared with SPIN (bench/spin/tdisp.pml), run over the simulated
 * device: N TDIs, each with eight events (LOCK, get report, START, STOP, FLR, BME clear, host
 * MMIO map, host MMIO revoke) that may each fire at most `max` times per path, in any order.
 * TDISP requests go to the device as bytes; FLR and BME clear are device events; the host keeps
 * what the TSM and the TDX module would (the nonce, whether the report was read, the mapping).
 *
 * State vector, the same as the Promela globals, in this order:
 *   st[i]  = the TDI's state as GET_DEVICE_INTERFACE_STATE reports it (TdiState code 0..3);
 *   rep[i] = the host read the report since the last LOCK;  map[i] = private MMIO is mapped;
 *   bud[i*8+k] = how often event k of TDI i may still fire (the explorer's event budgets).
 * The nonce and the report bytes are left out: the host always echoes the nonce LOCK returned,
 * so two states that differ only there answer every event alike.
 */
export interface TdispSpinBounds {
  readonly tdis: number;
  readonly max: number;
}

export interface TdispSpinCount {
  readonly states: number;
  readonly transitions: number;
  readonly depth: number;
  /** Growth of the heap at its peak (sampled at the end of each level), over the states stored. */
  readonly bytesPerState: number;
}

/** Event kinds per TDI, in the order of the Promela budgets (E_LOCK .. E_REVOKE). */
export const TDISP_SPIN_EVENTS = ['lock', 'report', 'start', 'stop', 'flr', 'bme-clear', 'map', 'revoke'] as const;
type Kind = (typeof TDISP_SPIN_EVENTS)[number];

/** What the host holds per TDI besides the device. */
interface HostTdi {
  nonce: Uint8Array | undefined;
  rep: boolean;
  map: boolean;
}

/** A state kept for expansion: restore clones the device snapshot, so it is stored as is. */
interface Stored {
  readonly device: DeviceSnapshot;
  readonly host: readonly HostTdi[];
  readonly budgets: readonly number[];
  readonly depth: number;
}

/** The DSM is function 0 (0xbee8, as in the spdm-emu sample); TDI i is function i + 1. */
const DSM = 0xbee8;
const ridOf = (i: number): number => DSM + 1 + i;

function deviceWith(tdis: number): TdispDevice {
  const config = spdmEmuSample();
  config.functions = [
    { requesterId: DSM, tdi: false, bars: [] },
    ...Array.from({ length: tdis }, (_, i) => ({ requesterId: ridOf(i), bars: [{ index: 0, address: BigInt(i + 1) << 28n, size: 0x1000n }] })),
  ];
  return new TdispDevice(config);
}

/** The explorer over this model: breadth-first, a visited set of state-vector keys. */
export class TdispSpinModel {
  private readonly device: TdispDevice;
  private host: HostTdi[];

  constructor(private readonly bounds: TdispSpinBounds) {
    this.device = deviceWith(bounds.tdis);
    this.host = Array.from({ length: bounds.tdis }, () => ({ nonce: undefined, rep: false, map: false }));
  }

  /** Counts the distinct states, transitions and depth, as SPIN's pan reports them. */
  count(): TdispSpinCount {
    const budgets = Array.from({ length: this.bounds.tdis * TDISP_SPIN_EVENTS.length }, () => this.bounds.max);
    const visited = new Set<string>([this.key(budgets)]);
    let level: Stored[] = [{ ...this.capture(), budgets, depth: 0 }];
    // The state the device and host hold now: a refused event leaves it so, and needs no restore.
    let held: Stored | undefined = level[0];
    let transitions = 0;
    let depth = 0;
    const heapBefore = process.memoryUsage().heapUsed;
    let peak = heapBefore;
    while (level.length > 0) {
      const next: Stored[] = [];
      for (const s of level) {
        for (let e = 0; e < s.budgets.length; e += 1) {
          if ((s.budgets[e] ?? 0) === 0) continue;
          if (held !== s) this.load(s);
          held = s;
          const before = this.vector();
          this.fire(Math.floor(e / TDISP_SPIN_EVENTS.length), TDISP_SPIN_EVENTS[e % TDISP_SPIN_EVENTS.length] as Kind);
          // An event that changed nothing was refused (a TDISP_ERROR, a host rule): no transition.
          if (this.vector() === before) continue;
          held = undefined;
          transitions += 1;
          const left = s.budgets.map((b, i) => (i === e ? b - 1 : b));
          const key = this.key(left);
          if (visited.has(key)) continue;
          visited.add(key);
          next.push({ ...this.capture(), budgets: left, depth: s.depth + 1 });
        }
      }
      if (next.length > 0) depth += 1;
      level = next;
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
    return { states: visited.size, transitions, depth, bytesPerState: Math.round((peak - heapBefore) / visited.size) };
  }

  private fire(i: number, kind: Kind): void {
    const h = this.host[i] as HostTdi;
    const rid = ridOf(i);
    switch (kind) {
      case 'lock': {
        const r = this.request(i, { messageType: 'LOCK_INTERFACE_REQUEST', flags: LockInterfaceFlag.NO_FW_UPDATE, defaultStreamId: 0, mmioReportingOffset: 0n, bindP2pAddressMask: 0n });
        if (r.messageType === 'LOCK_INTERFACE_RESPONSE') Object.assign(h, { nonce: r.startInterfaceNonce, rep: false });
        return;
      }
      case 'report':
        h.rep ||= this.readReport(i);
        return;
      case 'start':
        // The guest starts the TDI only after reading its report (GET_TDI_REPORT before TDG.TDI.START).
        if (h.rep && h.nonce) this.request(i, { messageType: 'START_INTERFACE_REQUEST', startInterfaceNonce: h.nonce });
        return;
      case 'stop':
        if (this.request(i, { messageType: 'STOP_INTERFACE_REQUEST' }).messageType === 'STOP_INTERFACE_RESPONSE') h.rep = false;
        return;
      case 'flr':
        this.device.apply({ kind: 'FLR', requesterId: rid });
        return;
      case 'bme-clear':
        this.device.apply({ kind: 'BME_CLEAR', requesterId: rid });
        return;
      case 'map':
        // TDH.MMIO.MAP: private MMIO of a locked TDI.
        h.map ||= this.locked(i);
        return;
      case 'revoke':
        // TDH.MMIO.UNMAP needs tdisp_sts == CONFIG_UNLOCKED: only after STOP (tdx-connect.md, teardown order).
        h.map &&= this.state(i) !== TdiState.CONFIG_UNLOCKED;
        return;
    }
  }

  private request(i: number, body: Record<string, unknown>): TdispMessage {
    const message = { version: TDISP_VERSION_10, interfaceId: interfaceIdOf(ridOf(i)), ...body } as TdispMessage;
    return tdisp.decode(this.device.handleTdisp(tdisp.encode(message))).message;
  }

  /** Reads the whole report in portions; false when the device refuses it. */
  private readReport(i: number): boolean {
    for (let offset = 0; ; ) {
      const r = this.request(i, { messageType: 'GET_DEVICE_INTERFACE_REPORT', offset, length: 0xffff });
      if (r.messageType !== 'DEVICE_INTERFACE_REPORT') return false;
      if (r.remainderLength === 0) return true;
      offset += r.portion.length;
    }
  }

  private state(i: number): number {
    const r = this.request(i, { messageType: 'GET_DEVICE_INTERFACE_STATE' });
    return r.messageType === 'DEVICE_INTERFACE_STATE' ? r.tdiState : -1;
  }

  private locked(i: number): boolean {
    const s = this.state(i);
    return s === TdiState.CONFIG_LOCKED || s === TdiState.RUN;
  }

  /** st, rep and map of every TDI, as in the Promela state vector. */
  private vector(): string {
    return this.host.map((h, i) => `${TdiState[this.device.tdiState(ridOf(i))]}${+h.rep}${+h.map}`).join(',');
  }

  private key(budgets: readonly number[]): string {
    return `${this.vector()}/${budgets.join(',')}`;
  }

  private capture(): Pick<Stored, 'device' | 'host'> {
    return { device: this.device.snapshot(), host: this.host.map((h) => ({ ...h })) };
  }

  private load(s: Stored): void {
    this.device.restore(s.device);
    this.host = s.host.map((h) => ({ ...h }));
  }
}
