import { type InterfaceId, formatRequesterId, interfaceIdOf } from '../wire/index.js';
import type { BarConfig, DeviceConfig, FunctionConfig } from './config.js';

const KEYS = new Map<number, string>();

/** A function's key in the device state: its Requester ID as bus:device.function (built once per id). */
export function functionKey(requesterId: number): string {
  let key = KEYS.get(requesterId);
  if (key === undefined) KEYS.set(requesterId, (key = formatRequesterId(requesterId)));
  return key;
}

/** Lookups derived once from a configuration. */
export interface Topology {
  readonly dsm: FunctionConfig;
  readonly functions: ReadonlyMap<string, FunctionConfig>;
  /** By Requester ID, the functions that are TDIs: their INTERFACE_ID and function key. */
  readonly tdis: ReadonlyMap<number, { readonly interfaceId: InterfaceId; readonly key: string }>;
}

export const isTdi = (fn: FunctionConfig): boolean => fn.tdi ?? true;

export function tdiInterfaceId(config: DeviceConfig, fn: FunctionConfig): InterfaceId {
  return interfaceIdOf(fn.requesterId, config.segment);
}

export function topologyOf(config: DeviceConfig): Topology {
  const [dsm] = config.functions;
  if (!dsm) throw new RangeError('a device needs function 0, its DSM');
  return {
    dsm,
    functions: new Map(config.functions.map((fn) => [functionKey(fn.requesterId), fn])),
    tdis: new Map(config.functions.filter(isTdi).map((fn) => [fn.requesterId, { interfaceId: tdiInterfaceId(config, fn), key: functionKey(fn.requesterId) }])),
  };
}

/**
 * The key of the TDI an INTERFACE_ID names. [E] looks an interface up by comparing all 12 bytes
 * (function_id and the 8 reserved ones), so any field that differs names another interface.
 */
export function tdiKeyOf(topology: Topology, { functionId: f, reserved }: InterfaceId): string | undefined {
  const tdi = topology.tdis.get(f.requesterId);
  if (!tdi) return undefined;
  const { functionId: g, reserved: r } = tdi.interfaceId;
  const same = g.segment === f.segment && g.segmentValid === f.segmentValid && (g.reserved ?? 0) === (f.reserved ?? 0) && (r ?? 0n) === (reserved ?? 0n);
  return same ? tdi.key : undefined;
}

/** The function at `requesterId`; throws for one the device does not have (a scenario error). */
export function functionAt(topology: Topology, requesterId: number): FunctionConfig {
  const fn = topology.functions.get(functionKey(requesterId));
  if (!fn) throw new RangeError(`the device has no function ${functionKey(requesterId)}`);
  return fn;
}

/** The key of the function at `requesterId`; throws for one the device does not have. */
export const keyAt = (topology: Topology, requesterId: number): string => functionKey(functionAt(topology, requesterId).requesterId);

/** What an FLR of `fn` resets: the function and, for a PF, its VFs ("a PF reset affects all subordinate VF TDIs"). */
export function resetScope(topology: Topology, fn: FunctionConfig): string[] {
  const vfs = [...topology.functions.values()].filter((f) => f.pf === fn.requesterId);
  return [fn, ...vfs].map((f) => functionKey(f.requesterId));
}

export function barOf(fn: FunctionConfig, index: number): BarConfig | undefined {
  return fn.bars.find((b) => b.index === index);
}
