import type { DependencyContainer, InjectionToken } from 'tsyringe';
import { TdispDevice } from '../device/device.js';
import type { DeviceSnapshot } from '../device/snapshot.js';
import { FaultInjector, type FaultState } from '../faults/fault-plan.js';
import { FirmwareCalls } from '../firmware/firmware-calls.js';
import type { GuestState, RelayState } from '../guest/state.js';
import type { HostState } from '../host/state.js';
import type { FlrPolicy } from '../lifecycle/plan.js';
import { type Bdf, type VmId } from '../model/ids.js';
import type { AttestationPort } from '../ports/attestation.js';
import type { IommuPort } from '../ports/iommu.js';
import type { MmioPort } from '../ports/mmio.js';
import { ATTESTATION_PORT, IOMMU_PORT, MMIO_PORT, TSM_PORT } from '../ports/tokens.js';
import type { TsmPort } from '../ports/tsm.js';
import type { LoadedPlugin } from '../plugin/loaded-plugin.js';
import { constructFromPlugin, createRunContainer } from '../plugin/registration.js';
import { Tracer } from '../trace/tracer.js';
import { canonicalHash } from '../util/canonical.js';
import { clonePlain } from '../util/clone.js';
import { SeededRandom, type SeededRandomState } from '../util/seeded-random.js';
import { DeviceLink } from './device-link.js';
import type { Assignment, WorldSpec } from './platform.js';
import { type WorldTemplate, templateOf } from './template.js';
import { VmChanges } from './vm-changes.js';
import { DEVICE_LINK, FIRMWARE_CALLS, FIRMWARE_STATE, type FirmwareState, RANDOM, TRACER } from './services.js';

export interface Ports {
  readonly tsm: TsmPort;
  readonly mmio: MmioPort;
  readonly iommu: IommuPort;
  readonly attestation: AttestationPort;
}

/** Everything that changes during a run, as plain data. */
export interface WorldSnapshot {
  readonly devices: DeviceSnapshot[];
  readonly link: ReturnType<DeviceLink['snapshot']>;
  readonly host: HostState;
  readonly guests: Record<VmId, GuestState>;
  readonly relay: RelayState;
  readonly firmware: unknown;
  readonly random: SeededRandomState;
  readonly faults: FaultState;
}

/**
 * One run's world: the devices, the host kernel's objects, the guests, and the plugin's
 * firmware behind its four ports, all built fresh from a spec and a seed. Nothing in it is
 * arch-specific; the plugin's classes are resolved from a child container of `parent` holding
 * this world's core services.
 */
export class World {
  readonly tracer = new Tracer();
  readonly faults: FaultInjector;
  readonly random: SeededRandom;
  readonly link: DeviceLink;
  readonly devices: TdispDevice[];
  readonly ports: Ports;
  readonly firmware: FirmwareState;
  readonly flrPolicy: FlrPolicy;
  readonly vmDestroyRequiresUnbind: boolean;
  host: HostState;
  guests: Record<VmId, GuestState>;
  relay: RelayState = { replay: false, last: {} };
  /** VMs whose KVM or guest state a step changed: what the invariant checker re-checks per VM. */
  readonly vmChanges = new VmChanges();
  private readonly template: WorldTemplate;

  constructor(
    readonly spec: WorldSpec,
    readonly plugin: LoadedPlugin,
    parent: DependencyContainer,
  ) {
    this.faults = FaultInjector.of(spec.faults);
    this.random = new SeededRandom(spec.seed);
    const template = (this.template = templateOf(spec));
    this.devices = template.devices.map((b) => new TdispDevice(b));
    this.link = new DeviceLink(this.devices, this.tracer, this.faults);
    this.host = clonePlain(template.host);
    this.guests = clonePlain(template.guests);
    const { semantics, firmware } = plugin.declaration;
    this.flrPolicy = spec.flrPolicy ?? semantics.flrPolicy;
    this.vmDestroyRequiresUnbind = semantics.vmDestroyRequiresUnbind;

    const services = parent.createChildContainer();
    services.registerInstance(TRACER, this.tracer);
    services.registerInstance(RANDOM, this.random);
    services.registerInstance(DEVICE_LINK, this.link);
    services.registerInstance(FIRMWARE_CALLS, new FirmwareCalls(this.tracer, this.faults, firmware.injectedFailure));
    const c = createRunContainer(plugin, services);
    const construct = <T>(token: InjectionToken<T>, what: string) => constructFromPlugin(plugin.specifier, c, token, what);
    this.ports = {
      tsm: construct<TsmPort>(TSM_PORT, 'the tsm port'),
      mmio: construct<MmioPort>(MMIO_PORT, 'the mmio port'),
      iommu: construct<IommuPort>(IOMMU_PORT, 'the iommu port'),
      attestation: construct<AttestationPort>(ATTESTATION_PORT, 'the attestation port'),
    };
    this.firmware = construct<FirmwareState>(FIRMWARE_STATE, 'FIRMWARE_STATE');
  }

  /** The vPCI assignment of `tdi`. */
  assignment(tdi: Bdf): Assignment {
    const a = this.assignmentOf(tdi);
    if (!a) throw new RangeError(`${tdi} is not assigned to a VM`);
    return a;
  }

  /** The vPCI assignment of `tdi`, if it has one. */
  assignmentOf(tdi: Bdf): Assignment | undefined {
    return this.template.assignments.get(tdi);
  }

  snapshot(): WorldSnapshot {
    return structuredClone(this.state());
  }

  /**
   * The live state, uncopied (devices and firmware as their snapshots give them): for hashing
   * or serialising at once, which only read it, before the world moves on.
   */
  state(): WorldSnapshot {
    return {
      devices: this.devices.map((d) => d.snapshot()),
      link: this.link.snapshot(),
      host: this.host,
      guests: this.guests,
      relay: this.relay,
      firmware: this.firmware.snapshot(),
      random: this.random.state(),
      faults: this.faults.snapshot(),
    };
  }

  /** Puts the world in state `s`; `owned`: `s` is a copy nobody else holds (just deserialised), so the world takes it over uncopied. */
  restore(s: WorldSnapshot, owned = false): void {
    const c = owned ? s : structuredClone(s);
    c.devices.forEach((d, i) => this.devices[i]?.restore(d));
    this.link.restore(c.link);
    this.host = c.host;
    this.guests = c.guests;
    this.relay = c.relay;
    this.firmware.restore(c.firmware);
    this.random.restore(c.random);
    this.faults.restore(c.faults);
    this.vmChanges.markAll();
  }

  /** Canonical hash of the whole state: equal states hash equal, however they were reached. */
  hash(): string {
    return canonicalHash(this.state());
  }
}
