import { type Bdf, type FirmwareState, type VmId } from '@teeio/core';
import { injectable } from 'tsyringe';

/**
 * The devsec "firmware": what a trivial TSM remembers, as plain data. It enforces nothing an
 * arch would; the core's invariants are what catch a bad plan run on it.
 */
export interface DevsecState {
  vms: VmId[];
  sessions: Bdf[];
  streams: { dsm: Bdf; streamId: number }[];
  /**
   * `nonce` is the LOCK's start nonce until START consumes it or STOP scrubs it; `freshness`
   * is its digest, kept for the TDI's whole binding: it is what ties evidence to one LOCK.
   */
  tdis: Record<Bdf, { vm: VmId; guestRid: number; report: string; nonce?: string; freshness: string }>;
  mappings: { vm: VmId; tdi: Bdf; rangeIndex: number; rangeId: number; gpa: string; hpa: string; pages: number; guestUsable: boolean }[];
  dma: { vm: VmId; tdi: Bdf; enabled: boolean }[];
  /** Synthetic certificate chain and measurements per DSM, made at connect. */
  evidence: Record<Bdf, { certificates: string; measurements: string }>;
  registered: Bdf[];
}

const initial = (): DevsecState => ({ vms: [], sessions: [], streams: [], tdis: {}, mappings: [], dma: [], evidence: {}, registered: [] });

/** Holds the state; every port class of the plugin shares this one instance per run. */
@injectable()
export class DevsecFirmware implements FirmwareState {
  state: DevsecState = initial();

  snapshot(): unknown {
    return structuredClone(this.state);
  }

  restore(state: unknown): void {
    this.state = structuredClone(state as DevsecState);
  }

  tdi(tdi: Bdf): DevsecState['tdis'][string] | undefined {
    return this.state.tdis[tdi];
  }
}
