/**
 * Port classes that break one rule each, built on the reference plugin's: what a buggy arch
 * plugin could do. Each is registered over the reference port (tsyringe resolves the last
 * registration) by `variant()`.
 */
import { type DependencyContainer, inject, injectable } from 'tsyringe';
import { DEVICE_LINK, FIRMWARE_CALLS, RANDOM } from '../../../core/src/world/services.js';
import type { DeviceLink } from '../../../core/src/world/device-link.js';
import type { SeededRandom } from '../../../core/src/util/seeded-random.js';
import type { FirmwareCalls } from '../../../core/src/firmware/firmware-calls.js';
import type { Evidence } from '../../../core/src/ports/attestation.js';
import type { TeeMmioRange } from '../../../core/src/ports/mmio.js';
import { type FwResult, fail, ok } from '../../../core/src/ports/result.js';
import { ATTESTATION_PORT, IOMMU_PORT, MMIO_PORT, TSM_PORT } from '../../../core/src/ports/tokens.js';
import { DevsecAttestation } from '../reference-plugin/attestation.js';
import { DevsecFirmware } from '../reference-plugin/firmware.js';
import { DevsecIommu } from '../reference-plugin/iommu.js';
import { DevsecMmio } from '../reference-plugin/mmio.js';
import { DevsecTsm } from '../reference-plugin/tsm.js';

/** Maps private MMIO, then files the mapping under another VM (`vm1`): invariant 2. */
@injectable()
export class MapsIntoAnotherVm extends DevsecMmio {
  constructor(@inject(FIRMWARE_CALLS) calls: FirmwareCalls, @inject(DevsecFirmware) private readonly firmware: DevsecFirmware) {
    super(calls, firmware);
  }

  override mapPrivate(vm: string, tdi: string, range: TeeMmioRange): FwResult {
    const r = super.mapPrivate(vm, tdi, range);
    const m = this.firmware.state.mappings.at(-1);
    if (r.ok && m) m.vm = 'vm1';
    return r;
  }
}

/** Makes every private mapping guest-usable at map time, before any acceptance: invariant 2. */
@injectable()
export class UsableWithoutAcceptance extends DevsecMmio {
  constructor(@inject(FIRMWARE_CALLS) calls: FirmwareCalls, @inject(DevsecFirmware) private readonly firmware: DevsecFirmware) {
    super(calls, firmware);
  }

  override mapPrivate(vm: string, tdi: string, range: TeeMmioRange): FwResult {
    const r = super.mapPrivate(vm, tdi, range);
    const m = this.firmware.state.mappings.at(-1);
    if (r.ok && m) m.guestUsable = true;
    return r;
  }
}

/** A private-MMIO map the firmware answers with a fatal error (as TDX's S-EPT errors are): invariant 5. */
@injectable()
export class FatalMap extends DevsecMmio {
  protected readonly fatal: boolean = true;

  constructor(@inject(FIRMWARE_CALLS) private readonly gate: FirmwareCalls, @inject(DevsecFirmware) firmware: DevsecFirmware) {
    super(gate, firmware);
  }

  override mapPrivate(vm: string, tdi: string, range: TeeMmioRange): FwResult {
    return this.gate.call('DEVSEC.MMIO_MAP', { vm, tdi, gpa: range.gpa }, () => fail('DEVSEC_MAP_CORRUPT', 'the secure stage-2 is inconsistent', this.fatal));
  }
}

/** The same failure, not fatal: the flow fails and unwinds, nothing is killed. */
@injectable()
export class FailingMap extends FatalMap {
  protected override readonly fatal: boolean = false;

  constructor(@inject(FIRMWARE_CALLS) calls: FirmwareCalls, @inject(DevsecFirmware) firmware: DevsecFirmware) {
    super(calls, firmware);
  }
}

/** Trusted DMA that translates as soon as it is set up, before the guest enables it: invariant 3. */
@injectable()
export class TranslatesBeforeEnable extends DevsecIommu {
  constructor(@inject(FIRMWARE_CALLS) calls: FirmwareCalls, @inject(DevsecFirmware) firmware: DevsecFirmware) {
    super(calls, firmware);
  }

  override t1Translates(vm: string, tdi: string): boolean {
    return this.view().some((c) => c.vm === vm && c.tdi === tdi);
  }
}

/** A freshness token that never changes, so a relock goes unnoticed: invariant 4. */
@injectable()
export class FreshnessIgnoresRelock extends DevsecAttestation {
  constructor(@inject(FIRMWARE_CALLS) calls: FirmwareCalls, @inject(DEVICE_LINK) link: DeviceLink, @inject(DevsecFirmware) firmware: DevsecFirmware) {
    super(calls, link, firmware);
  }

  override getEvidence(vm: string, tdi: string): FwResult<Evidence> {
    const r = super.getEvidence(vm, tdi);
    return r.ok ? ok({ ...r.value, freshness: 'constant' }) : r;
  }

  override freshness(vm: string, tdi: string): FwResult<string> {
    const r = super.freshness(vm, tdi);
    return r.ok ? ok('constant') : r;
  }
}

/** Disconnect that ends the SPDM session but forgets the IDE stream: invariant 6. */
@injectable()
export class DisconnectKeepsStream extends DevsecTsm {
  constructor(
    @inject(FIRMWARE_CALLS) calls: FirmwareCalls,
    @inject(DEVICE_LINK) link: DeviceLink,
    @inject(RANDOM) random: SeededRandom,
    @inject(DevsecFirmware) private readonly firmware: DevsecFirmware,
  ) {
    super(calls, link, random, firmware);
  }

  override disconnect(dsm: string, force: boolean): FwResult {
    const streams = this.firmware.state.streams.filter((s) => s.dsm === dsm);
    const r = super.disconnect(dsm, force);
    if (r.ok) this.firmware.state.streams.push(...streams);
    return r;
  }
}

type Ctor = new (...args: never[]) => unknown;
const TOKENS = { mmio: MMIO_PORT, iommu: IOMMU_PORT, attestation: ATTESTATION_PORT, tsm: TSM_PORT } as const;

/** Registration that puts `cls` in place of the reference plugin's `port`. */
export const replacing =
  (port: keyof typeof TOKENS, cls: Ctor) =>
  (c: DependencyContainer): void =>
    void c.register(TOKENS[port] as symbol, { useClass: cls as never });

/**
 * Registration of the reference TSM with a connect that keeps the SPDM session it was setting up
 * when the connect fails (a lost DOE exchange, a busy firmware): invariant 6, only under a fault.
 */
export const failedConnectKeepsSession = (c: DependencyContainer): void =>
  void c.register(TSM_PORT, {
    useFactory: (r) => {
      const tsm = r.resolve(DevsecTsm);
      const firmware = r.resolve(DevsecFirmware);
      const connect = tsm.connect.bind(tsm);
      tsm.connect = (dsm) => {
        const result = connect(dsm);
        if (!result.ok) firmware.state.sessions.push(dsm);
        return result;
      };
      return tsm;
    },
  });
