import type { IdeStreamKeys, IdeSubStreamKeys } from './ide-keys.js';
import type { BoundInterface, FunctionRecord, TdiRecord } from './state.js';

/*
 * Copies of the device's records, written for the shapes of state.ts: the device copies a
 * record the first time it writes one a snapshot shares (copy-on-write.ts), which a search does
 * for nearly every event it fires. Every object a request changes in place is copied; what it
 * replaces instead is shared (a bound interface's report, nonce and P2P stream list: state.ts),
 * and strings, numbers and bigints are immutable. A field added to state.ts must be added here
 * (core/test/device/snapshot.property.test.ts compares these with structuredClone's).
 */

function cloneBound(b: BoundInterface): BoundInterface {
  const { flags, defaultStreamId, mmioReportingOffset, bindP2pAddressMask, report, p2pStreams, startInterfaceNonce } = b;
  const copy: BoundInterface = { flags, defaultStreamId, mmioReportingOffset, bindP2pAddressMask, report, p2pStreams };
  if (startInterfaceNonce) copy.startInterfaceNonce = startInterfaceNonce;
  return copy;
}

const cloneTdi = (t: TdiRecord): TdiRecord => (t.bound ? { state: t.state, bound: cloneBound(t.bound) } : { state: t.state });

export function cloneFunction(f: FunctionRecord): FunctionRecord {
  const copy: FunctionRecord = { barAddresses: { ...f.barAddresses } };
  if (f.tdi) copy.tdi = cloneTdi(f.tdi);
  return copy;
}

const cloneSlot = (s: IdeSubStreamKeys): IdeSubStreamKeys => ({ programmed: { ...s.programmed }, active: s.active });

/** The six sub-streams named (a key loop would be a slow keyed lookup). */
export const cloneStream = (s: IdeStreamKeys): IdeStreamKeys => ({
  'RX.PR': cloneSlot(s['RX.PR']),
  'RX.NPR': cloneSlot(s['RX.NPR']),
  'RX.CPL': cloneSlot(s['RX.CPL']),
  'TX.PR': cloneSlot(s['TX.PR']),
  'TX.NPR': cloneSlot(s['TX.NPR']),
  'TX.CPL': cloneSlot(s['TX.CPL']),
});
