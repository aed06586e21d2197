import { mismatchedBlob } from '../../guest/evidence.js';
import { relayEvidence } from '../../guest/relay.js';
import type { GuestDeviceState } from '../../guest/state.js';
import { teeRangesOfHex } from '../../host/mmio-layout.js';
import { vmUsable } from '../../host/kvm.js';
import { Errno, errno } from '../../host/errno.js';
import { type FwResult, OK, fail } from '../../ports/result.js';
import type { World } from '../../world/world.js';
import type { StepImpl, StepResult, TdiTarget } from './step.js';
import { tdiTarget } from './step.js';

/** The guest refused the device: the code the trace shows for it. */
export const GUEST_REJECTED = 'GUEST_REJECTED';

/** The guest's view of the device, to change: every guest step reaches it here, which marks its VM changed. */
function guestDevice(w: World, x: TdiTarget): GuestDeviceState {
  const d = w.guests[x.vm]?.devices[x.tdi];
  if (!d) throw new RangeError(`${x.tdi} is not assigned to ${x.vm}`);
  w.vmChanges.mark(x.vm);
  return d;
}

function reject(d: GuestDeviceState, why: string): FwResult {
  d.rejected = why;
  return fail(GUEST_REJECTED, why);
}

/** Runs guest code only in a live VM: a killed, crashed or destroyed VM runs none. */
function asGuest(w: World, t: Parameters<StepImpl>[1], step: string, work: (x: TdiTarget, d: GuestDeviceState) => FwResult): StepResult {
  const x = tdiTarget(w, t, step);
  if (!vmUsable(w, x.vm)) return errno(Errno.EIO, `${x.vm} is not running`);
  const d = guestDevice(w, x);
  if (d.rejected) return fail(GUEST_REJECTED, d.rejected);
  return work(x, d);
}

/**
 * The TSM must not let the TDI be unlocked between evidence and acceptance (tsm.rst); the
 * guest checks by comparing the freshness token of its evidence with the firmware's now.
 * The first acceptance records, as ghost state, the lock epochs it relied on.
 */
function acceptFresh(w: World, x: TdiTarget, d: GuestDeviceState): FwResult {
  if (!d.verified || !d.evidence) return reject(d, 'evidence not verified');
  const now = w.ports.attestation.freshness(x.vm, x.tdi);
  if (!now.ok) return now;
  if (now.value !== d.evidence.freshness) return reject(d, 'the TDI was unlocked and locked again since the evidence');
  d.acceptance ??= { evidenceEpoch: d.evidence.lockEpoch, tdiEpoch: w.link.lockEpoch(x.tdi) };
  return OK;
}

export const guestSteps = {
  /** The guest asks the host to bind (SEV TIO_OP BIND, CCA RHI set_tdi_state LOCKED). */
  'guest.request-lock': (w, t) => asGuest(w, t, 'guest.request-lock', () => OK),
  'guest.get-evidence': (w, t) =>
    asGuest(w, t, 'guest.get-evidence', (x, d) => {
      const r = w.ports.attestation.getEvidence(x.vm, x.tdi);
      if (!r.ok) return r;
      const e = relayEvidence(w, x.tdi, r.value);
      d.evidence = { blobs: e.blobs, digests: e.digests, freshness: e.freshness, lockEpoch: w.link.lockEpoch(x.tdi) };
      d.verified = false;
      return OK;
    }),
  'guest.verify-evidence': (w, t) =>
    asGuest(w, t, 'guest.verify-evidence', (_x, d) => {
      if (!d.evidence) return reject(d, 'no evidence to verify');
      const bad = mismatchedBlob(d.evidence);
      if (bad) return reject(d, `the ${bad} blob does not match its protected digest`);
      d.verified = true;
      return OK;
    }),
  'guest.accept-mmio': (w, t) =>
    asGuest(w, t, 'guest.accept-mmio', (x, d) => {
      const fresh = acceptFresh(w, x, d);
      if (!fresh.ok || !d.evidence) return fresh;
      for (const range of teeRangesOfHex(d.evidence.blobs.interfaceReport, x.guestRid)) {
        if (d.accepted.includes(range.rangeIndex)) continue;
        const r = w.ports.mmio.guestAccept(x.vm, x.tdi, range);
        if (!r.ok) return r;
        d.accepted.push(range.rangeIndex);
      }
      return OK;
    }),
  'guest.request-run': (w, t) =>
    asGuest(w, t, 'guest.request-run', (x, d) => {
      const fresh = acceptFresh(w, x, d);
      if (!fresh.ok) return fresh;
      const r = w.ports.tsm.guestRequest(x.vm, x.tdi, 'RUN');
      if (r.ok) d.running = true;
      return r;
    }),
  'guest.enable-dma': (w, t) =>
    asGuest(w, t, 'guest.enable-dma', (x, d) => {
      const r = w.ports.iommu.guestEnableDma(x.vm, x.tdi);
      if (r.ok) d.dmaEnabled = true;
      return r;
    }),
  'guest.disable-dma': (w, t) =>
    asGuest(w, t, 'guest.disable-dma', (x, d) => {
      if (!d.dmaEnabled) return OK;
      const r = w.ports.iommu.guestDisableDma(x.vm, x.tdi);
      if (r.ok) d.dmaEnabled = false;
      return r;
    }),
  'guest.release-mmio': (w, t) =>
    asGuest(w, t, 'guest.release-mmio', (x, d) => {
      const ranges = d.evidence ? teeRangesOfHex(d.evidence.blobs.interfaceReport, x.guestRid) : [];
      for (const range of ranges.filter((r) => d.accepted.includes(r.rangeIndex))) {
        const r = w.ports.mmio.guestRelease(x.vm, x.tdi, range);
        if (!r.ok) return r;
        d.accepted = d.accepted.filter((i) => i !== range.rangeIndex);
      }
      return OK;
    }),
  'guest.request-unlock': (w, t) =>
    asGuest(w, t, 'guest.request-unlock', (x, d) => {
      const r = w.ports.tsm.guestRequest(x.vm, x.tdi, 'UNLOCK');
      if (r.ok) {
        Object.assign(d, { running: false, verified: false, accepted: [] });
        delete d.acceptance;
      }
      return r;
    }),
} satisfies Record<string, StepImpl>;
