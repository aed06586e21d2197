import { DEVICE_PRESETS, type DeviceConfig, type DevicePresetName, TdispDevice } from '../device/index.js';
import { isTdi } from '../device/topology.js';
import { formatRequesterId } from '../wire/index.js';
import { type ValidationTarget, unknownInterfaceNear } from './target.js';

/**
 * A simulated device reached through TDISP alone (behind DECAP_TDISP, or by the validator):
 * nobody can program its IDE keys over IDE_KM, so its streams start secure, as the spdm-emu
 * sample's do; otherwise its LOCK would always fail for want of keys.
 */
export function tdispOnlyDevice(preset: DevicePresetName): TdispDevice {
  const config = DEVICE_PRESETS[preset]();
  return new TdispDevice({ ...config, ide: { ...config.ide, secureAtReset: config.ide.streamIds } });
}

/** The Requester IDs of the device's TDIs, in configuration order. */
export function tdiRequesterIds(config: DeviceConfig): number[] {
  return config.functions.filter(isTdi).map((fn) => fn.requesterId);
}

/**
 * The built-in device as a validation target: the TDI at `requesterId` (by default its first),
 * whose events the checks may signal. Throws RangeError when the device has no such TDI.
 */
export function builtInTarget(device: TdispDevice, requesterId?: number): ValidationTarget {
  const tdis = tdiRequesterIds(device.config);
  const tdi = requesterId ?? tdis[0];
  if (tdi === undefined || !tdis.includes(tdi)) {
    throw new RangeError(`the device has no TDI at ${formatRequesterId(requesterId ?? 0)}; its TDIs: ${tdis.map(formatRequesterId).join(', ') || 'none'}`);
  }
  const interfaceId = device.interfaceId(tdi);
  return {
    responder: device,
    interfaceId,
    unknownInterfaceId: unknownInterfaceNear(interfaceId),
    signal: (event) => void device.apply({ kind: event, requesterId: tdi }),
  };
}
