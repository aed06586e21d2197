import type { Bdf, VmId } from '@teeio/core';

/**
 * What __ARCH__'s firmware keeps, as plain data: the core snapshots, restores and hashes it, so
 * it holds no class instances, Maps, functions or bigints (keep addresses as hex text). Add the
 * fields your firmware's objects have.
 */
export interface FirmwareModelState {
  vms: VmId[];
  /** Devices (function 0) with a secure session. */
  sessions: Bdf[];
  /** IDE streams programmed between the root port and a device. */
  streams: { dsm: Bdf; streamId: number }[];
  /** TDIs the firmware holds a context for, and the VM each is bound to. */
  tdis: Record<Bdf, { vm: VmId; state: 'LOCKED' | 'RUN' | 'UNLOCKED' }>;
}

export const initialState = (): FirmwareModelState => ({ vms: [], sessions: [], streams: [], tdis: {} });
