import { type Bdf, type FwResult, type GuestAccessOutcome, type HostAccessOutcome, type MmioPort, OK, type PrivateMapping, type TeeMmioRange, type VmId, fail } from '@teeio/core';
import { inject, injectable } from 'tsyringe';
import { CCA } from '../codes.js';
import { RmmFirmware } from '../firmware/rmm.js';
import { RsiCalls } from '../firmware/rsi.js';
import { DEV_GRANULES, RTT_DEV } from '../firmware/dev-mem-runs.js';
import { GRANULE, lookup, pieces } from '../firmware/granule-runs.js';
import { RttDevCalls } from '../firmware/rtt-dev.js';
import { retryBusy } from '../host/driver.js';
import { CcaKvmExits } from '../host/kvm-exits.js';
import { realmDevice } from './guest.js';

const hex = (v: bigint): string => `0x${v.toString(16)}`;

/**
 * Device memory as KVM maps it into a realm (realm_dev_mem_map, host v3 __realm_dev_mem_map):
 * delegate the granules, RMI_RTT_DEV_MAP; the realm validates each range
 * (RSI_VDEV_VALIDATE_MAPPING, whose DEV_MEM_MAP exit the host answers with
 * RMI_RTT_DEV_VALIDATE); unmapping is RMI_RTT_DEV_UNMAP, then undelegation (inferred).
 */
@injectable()
export class CcaMmio implements MmioPort {
  constructor(
    @inject(RmmFirmware) private readonly fw: RmmFirmware,
    @inject(RttDevCalls) private readonly rtt: RttDevCalls,
    @inject(RsiCalls) private readonly rsi: RsiCalls,
    @inject(CcaKvmExits) private readonly exits: CcaKvmExits,
  ) {}

  mapPrivate(vm: VmId, tdi: Bdf, range: TeeMmioRange): FwResult {
    const delegated = retryBusy(() => this.rtt.delegate(range.hpa, range.pages));
    if (!delegated.ok) return delegated;
    const mapped = retryBusy(() => this.rtt.map(vm, tdi, range.gpa, range.hpa, range.pages));
    if (!mapped.ok) {
      retryBusy(() => this.rtt.undelegate(range.hpa, range.pages));
      return mapped;
    }
    (this.fw.state.host.devMem[vm] ??= {})[hex(range.gpa)] = { tdi, rangeIndex: range.rangeIndex, rangeId: range.rangeId, gpa: hex(range.gpa), hpa: hex(range.hpa), pages: range.pages };
    return OK;
  }

  /** RMI_RTT_DEV_UNMAP (unless already unmapped), then RMI_GRANULE_UNDELEGATE: a retried unmap continues. */
  unmapPrivate(vm: VmId, _tdi: Bdf, range: TeeMmioRange): FwResult {
    if (lookup(this.fw.realm(vm)?.rtt ?? {}, RTT_DEV, range.gpa)?.state === 'ASSIGNED_DEV') {
      const r = retryBusy(() => this.rtt.unmap(vm, range.gpa, range.pages));
      if (!r.ok) return r;
    }
    if (lookup(this.fw.state.granules, DEV_GRANULES, range.hpa)?.state === 'DELEGATED') {
      const r = retryBusy(() => this.rtt.undelegate(range.hpa, range.pages));
      if (!r.ok) return r;
    }
    delete this.fw.state.host.devMem[vm]?.[hex(range.gpa)];
    return OK;
  }

  /**
   * The realm's RSI_VDEV_VALIDATE_MAPPING with the nonces it read. A host rejection is
   * RSI_SUCCESS with next-IPA = base and REJECT: the realm checks both (cca_device_accept).
   */
  guestAccept(vm: VmId, tdi: Bdf, range: TeeMmioRange): FwResult {
    const d = realmDevice(this.fw, vm, tdi);
    if (!d) return fail(CCA.RSI_ERROR_INPUT, `${tdi} is not a device of ${vm}`);
    const r = this.rsi.validateMapping(vm, d.vdevId, { ipa: range.gpa, pa: range.hpa, pages: range.pages }, d.nonces, this.exits);
    if (!r.ok) return r;
    const top = range.gpa + BigInt(range.pages) * GRANULE;
    if ((r.value.nextIpa !== top || r.value.response !== 'ACCEPT') && this.fw.enforces('guest-checks-validate-result'))
      return fail(CCA.GUEST_MAPPING_REJECTED, `next IPA ${hex(r.value.nextIpa)} (expected ${hex(top)}), response ${r.value.response}`);
    return OK;
  }

  guestRelease(vm: VmId, _tdi: Bdf, range: TeeMmioRange): FwResult {
    return this.rsi.ipaStateSetEmpty(vm, range.gpa, range.pages);
  }

  /**
   * A hypervisor access to a delegated granule takes a granule protection fault: the GPT puts
   * it in the realm PAS from delegation until undelegation. Without a mapping nothing reaches.
   */
  hostAccessOutcome(hpa: bigint, hostMapped: boolean): HostAccessOutcome {
    if (!hostMapped) return { reaches: false, effect: 'no hypervisor mapping: VFIO revoked the BARs before bind' };
    if (lookup(this.fw.state.granules, DEV_GRANULES, hpa)) return { reaches: false, effect: 'granule protection fault: the granule is in the realm PAS' };
    return { reaches: true, effect: 'the hypervisor mapping reaches the MMIO of a locked TDI' };
  }

  hostAccess(hpa: bigint, hostMapped: boolean): HostAccessOutcome {
    return this.hostAccessOutcome(hpa, hostMapped);
  }

  guestAccess(vm: VmId, gpa: bigint): GuestAccessOutcome {
    const e = lookup(this.fw.realm(vm)?.rtt ?? {}, RTT_DEV, gpa);
    if (e?.state !== 'ASSIGNED_DEV') return { reaches: false, effect: 'no device mapping in the RTT: a stage-2 fault exits to the host' };
    if (e.ripas !== 'DEV') return { reaches: false, effect: `RIPAS ${e.ripas}: the access faults to the realm` };
    return { reaches: true, effect: `device memory of ${e.tdi ?? 'a VDEV'}` };
  }

  view(): readonly PrivateMapping[] {
    return Object.entries(this.fw.state.host.devMem).flatMap(([vm, ranges]) =>
      Object.values(ranges).flatMap((r) => {
        const entries = pieces(this.fw.realm(vm)?.rtt ?? {}, RTT_DEV, BigInt(r.gpa), r.pages).map((p) => p.value);
        if (!entries.some((e) => e?.state === 'ASSIGNED_DEV')) return [];
        const usable = entries.every((e) => e?.state === 'ASSIGNED_DEV' && e.ripas === 'DEV');
        return [{ vm, tdi: r.tdi, rangeIndex: r.rangeIndex, rangeId: r.rangeId, gpa: BigInt(r.gpa), hpa: BigInt(r.hpa), pages: r.pages, guestUsable: usable }];
      }),
    );
  }
}
