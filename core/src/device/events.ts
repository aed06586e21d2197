import type { FunctionConfig } from './config.js';
import { barCanDecodeAt } from './config-validate.js';
import { isSecure, makeInsecure, streamKey, TDI_IDE_PORT } from './ide-keys.js';
import { writableFunction, writableStream } from './copy-on-write.js';
import { functionRecord, type DeviceModel, type TdiRecord } from './state.js';
import { enterError, isLocked } from './tdi-state-machine.js';
import { barOf, functionAt, functionKey, keyAt, resetScope } from './topology.js';

/**
 * Things that happen to the device outside TDISP. Each one that touches a CONFIG_LOCKED or RUN
 * TDI sends it to ERROR (linux-tsm-core §4: FLR, BME/MSE cleared, BAR writes, a bound IDE stream
 * going insecure, unrecoverable errors); a CONFIG_UNLOCKED TDI is free to be reconfigured.
 */
export type DeviceEvent =
  /** Function Level Reset; a PF's reaches its VFs. */
  | { readonly kind: 'FLR'; readonly requesterId: number }
  /** Bus Master Enable cleared in the Command register. */
  | { readonly kind: 'BME_CLEAR'; readonly requesterId: number }
  /** Memory Space Enable cleared in the Command register. */
  | { readonly kind: 'MSE_CLEAR'; readonly requesterId: number }
  /** A write to a BAR; with an address, the BAR moves there (the next LOCK reports it). */
  | { readonly kind: 'BAR_WRITE'; readonly requesterId: number; readonly bar: number; readonly address?: bigint }
  /** An IDE stream of the DSM goes Insecure (integrity failure, link down): its keys are gone. */
  | { readonly kind: 'IDE_STREAM_INSECURE'; readonly portIndex: number; readonly streamId: number }
  /** An unrecoverable error of a function (poisoned TLP, integrity error). */
  | { readonly kind: 'DEVICE_ERROR'; readonly requesterId: number }
  /** The entropy source fails once: the next LOCK answers INSUFFICIENT_ENTROPY. */
  | { readonly kind: 'ENTROPY_FAILURE' };

export type DeviceEventKind = DeviceEvent['kind'];

/** Sends the TDIs of `keys` that are locked to ERROR; returns those that moved. */
function errorTdis(model: DeviceModel, keys: readonly string[]): string[] {
  // Read first: an event that moves no TDI (most of a search's) writes, so copies, nothing.
  return keys.filter((key) => {
    const tdi = functionRecord(model, key).tdi;
    return tdi !== undefined && isLocked(tdi) && enterError(writableFunction(model, key).tdi as TdiRecord);
  });
}

/** Every locked TDI whose default stream (on the DSM's port) is no longer secure goes to ERROR. */
export function errorTdisOnInsecureStreams(model: DeviceModel): string[] {
  const keys = Object.entries(model.state.functions)
    .filter(([, r]) => r.tdi?.bound && !isSecure(model.state.ide[streamKey(TDI_IDE_PORT, r.tdi.bound.defaultStreamId)]))
    .map(([key]) => key);
  return errorTdis(model, keys);
}

/** Validates a BAR write against the BAR it hits; a write no BAR could take is a scenario error. */
function writeBar(model: DeviceModel, fn: FunctionConfig, index: number, address: bigint | undefined): void {
  const bar = barOf(fn, index);
  if (!bar) throw new RangeError(`${functionKey(fn.requesterId)} has no BAR${index}`);
  if (address === undefined) return;
  if (!barCanDecodeAt(bar, address)) throw new RangeError(`BAR${index} cannot decode at 0x${address.toString(16)}`);
  writableFunction(model, functionKey(fn.requesterId)).barAddresses[String(index)] = address;
}

type EventHandler<K extends DeviceEventKind> = (model: DeviceModel, event: Extract<DeviceEvent, { kind: K }>) => string[];

const own = (model: DeviceModel, requesterId: number): string[] => errorTdis(model, [keyAt(model.topology, requesterId)]);

const handlers: { [K in DeviceEventKind]: EventHandler<K> } = {
  FLR: (model, e) => errorTdis(model, resetScope(model.topology, functionAt(model.topology, e.requesterId))),
  BME_CLEAR: (model, e) => own(model, e.requesterId),
  MSE_CLEAR: (model, e) => own(model, e.requesterId),
  BAR_WRITE: (model, e) => {
    writeBar(model, functionAt(model.topology, e.requesterId), e.bar, e.address);
    return own(model, e.requesterId);
  },
  IDE_STREAM_INSECURE: (model, e) => {
    const stream = writableStream(model, streamKey(e.portIndex, e.streamId));
    if (!stream) throw new RangeError(`the DSM has no IDE stream ${e.streamId} on port ${e.portIndex}`);
    makeInsecure(stream);
    return errorTdisOnInsecureStreams(model);
  },
  DEVICE_ERROR: (model, e) => own(model, e.requesterId),
  ENTROPY_FAILURE: (model) => {
    model.state.entropyFailures++;
    return [];
  },
};

/** Applies `event`; returns the keys (bus:device.function) of the TDIs it sent to ERROR. */
export function applyEvent(model: DeviceModel, event: DeviceEvent): string[] {
  return (handlers[event.kind] as EventHandler<DeviceEventKind>)(model, event);
}
