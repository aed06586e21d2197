import type { Bdf, VmId } from '@teeio/core';
import type { RmmFirmware } from '../firmware/rmm.js';
import type { RealmNonces } from '../firmware/rsi.js';

/**
 * The realm's device driver state (arm-cca-guest, rsi-da.c): which vdev_id a TDI is (the
 * guest RID the host created the VDEV with) and the nonces it read with RSI_VDEV_GET_INFO,
 * which it passes back to VALIDATE_MAPPING and DMA_ENABLE.
 */
export function realmDevice(fw: RmmFirmware, vm: VmId, tdi: Bdf): { vdevId: number; nonces: RealmNonces } | undefined {
  const v = fw.vdev(tdi);
  if (!v || v.realm !== vm) return undefined;
  return { vdevId: v.vdevId, nonces: fw.state.guest[`${vm}/${v.vdevId}`] ?? {} };
}
