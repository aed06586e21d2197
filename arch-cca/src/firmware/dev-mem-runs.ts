import { GRANULE, type RunKind } from './granule-runs.js';
import type { DevGranule, RttDevEntry } from './state.js';

/** Device granules: a run shares one state. */
export const DEV_GRANULES: RunKind<DevGranule> = {
  slide: (v) => v,
  same: (a, b) => a.state === b.state,
};

/** RTT device entries: a run maps consecutive IPAs to consecutive PAs of one VDEV. */
export const RTT_DEV: RunKind<RttDevEntry> = {
  slide: (v, k) => (v.pa === undefined || k === 0 ? v : { ...v, pa: `0x${(BigInt(v.pa) + BigInt(k) * GRANULE).toString(16)}` }),
  same: (a, b) => a.state === b.state && a.ripas === b.ripas && a.pa === b.pa && a.tdi === b.tdi,
};
