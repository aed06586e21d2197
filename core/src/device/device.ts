import type { DeviceInterfaceReport, InterfaceId, TdiStateName } from '../wire/index.js';
import { DeviceBlueprint } from './blueprint.js';
import type { DeviceConfig } from './config.js';
import { DoeMailbox } from './doe-mailbox.js';
import { applyEvent, type DeviceEvent } from './events.js';
import { handleIdeKm } from './idekm-handler.js';
import type { TdispResponder } from './responder.js';
import { type DeviceSnapshot, restoreSnapshot, stateHash, takeSnapshot } from './snapshot.js';
import { handleSpdmRequest } from './spdm-dispatch.js';
import { type DeviceModel, functionRecord } from './state.js';
import { handleTdispRequest } from './tdisp-dispatch.js';
import { functionAt, functionKey, keyAt, tdiInterfaceId } from './topology.js';

/** A TDISP request too short for its header: [E] refuses it below TDISP, with no TDISP_ERROR. */
export class TdispTransportError extends Error {
  override readonly name = 'TdispTransportError';
}

/**
 * The simulated TDISP device: a DSM on function 0 with a DOE mailbox, its TDIs, IDE_KM key
 * state and seeded nonces. Requests arrive as raw TDISP (exchange / handleTdisp), as SPDM
 * (handleSpdm) or as DOE objects (doe.exchange); events arrive through apply.
 */
export class TdispDevice implements TdispResponder {
  private readonly model: DeviceModel;
  /** The DOE mailbox of function 0. */
  readonly doe: DoeMailbox;

  /** Throws DeviceConfigError for a configuration no device could have; a blueprint is checked already. */
  constructor(config: DeviceConfig | DeviceBlueprint) {
    this.model = (config instanceof DeviceBlueprint ? config : new DeviceBlueprint(config)).model();
    this.doe = new DoeMailbox((request) => this.handleSpdm(request));
  }

  get config(): DeviceConfig {
    return this.model.config;
  }

  /** Answers a raw TDISP request; throws TdispTransportError for one shorter than the header. */
  handleTdisp(request: Uint8Array): Uint8Array {
    const outcome = handleTdispRequest(this.model, request);
    if ('transportError' in outcome) throw new TdispTransportError(outcome.transportError);
    return outcome.response;
  }

  /** Answers an SPDM VENDOR_DEFINED_REQUEST carrying TDISP or IDE_KM (or an SPDM ERROR). */
  handleSpdm(request: Uint8Array): Uint8Array {
    return handleSpdmRequest(request, {
      TDISP: (payload) => {
        const outcome = handleTdispRequest(this.model, payload);
        return 'response' in outcome ? outcome.response : undefined;
      },
      IDE_KM: (payload) => handleIdeKm(this.model, payload),
    });
  }

  /** TdispResponder: raw TDISP. */
  async exchange(request: Uint8Array): Promise<Uint8Array> {
    return this.handleTdisp(request);
  }

  /** TdispResponder: the simulated device holds nothing to release. */
  async close(): Promise<void> {}

  /** Applies an event; returns the TDIs (bus:device.function) it sent to ERROR. */
  apply(event: DeviceEvent): string[] {
    return applyEvent(this.model, event);
  }

  /** The INTERFACE_ID of the function at `requesterId`. */
  interfaceId(requesterId: number): InterfaceId {
    return tdiInterfaceId(this.model.config, functionAt(this.model.topology, requesterId));
  }

  /** The state of the TDI at `requesterId` (what GET_DEVICE_INTERFACE_STATE would say). */
  tdiState(requesterId: number): TdiStateName {
    const tdi = functionRecord(this.model, keyAt(this.model.topology, requesterId)).tdi;
    if (!tdi) throw new RangeError(`${functionKey(requesterId)} is not a TDI`);
    return tdi.state;
  }

  /** The keys (bus:device.function) of the TDIs that are CONFIG_LOCKED or RUN, in no particular order. */
  lockedKeys(): string[] {
    return this.model.locks.locked(this.model.state);
  }

  /**
   * What the TDI at `requesterId` fixed at LOCK: its report and mmio_reporting_offset, while it
   * is CONFIG_LOCKED or RUN. Ground truth for invariants; no party reads it over the wire.
   */
  lockedInterface(requesterId: number): { readonly report: DeviceInterfaceReport; readonly mmioReportingOffset: bigint } | undefined {
    const bound = functionRecord(this.model, keyAt(this.model.topology, requesterId)).tdi?.bound;
    return bound && { report: bound.report, mmioReportingOffset: bound.mmioReportingOffset };
  }

  snapshot(): DeviceSnapshot {
    return takeSnapshot(this.model);
  }

  restore(snapshot: DeviceSnapshot): void {
    restoreSnapshot(this.model, snapshot);
  }

  /** Canonical hash of the whole state (the configuration excluded: it never changes). */
  stateHash(): string {
    return stateHash(this.model);
  }
}
