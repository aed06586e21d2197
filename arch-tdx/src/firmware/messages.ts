import {
  type Bdf,
  type IdeKmMessage,
  type TdispMessage,
  TdispErrorCode,
  doeDiscoveryRequestCodec,
  encodeWith,
  idekm,
  tdisp,
  toHex,
} from '@teeio/core';
import type { RelayRequest } from './state.js';

/**
 * The messages the module builds for the device and reads back. The module never touches the
 * device: it writes a request page and the host carries it (see host/driver.ts).
 */

export const TDISP_VERSION = 0x10;

export function tdispRelay(tdi: Bdf, message: TdispMessage): RelayRequest {
  return { protocol: 'TDISP', target: tdi, message: toHex(tdisp.encode(message)) };
}

export function idekmRelay(dsm: Bdf, message: IdeKmMessage): RelayRequest {
  return { protocol: 'IDE_KM', target: dsm, message: toHex(idekm.encode(message)) };
}

/** A DOE Discovery request for entry `index` (PCIe DOE §6.30.1.1). */
export function discoveryRelay(dsm: Bdf, index: number): RelayRequest {
  return { protocol: 'DOE_DISCOVERY', target: dsm, message: toHex(encodeWith(doeDiscoveryRequestCodec, { index, version: 0 })) };
}

const TDISP_ERROR_NAMES = new Map<number, string>(Object.entries(TdispErrorCode).map(([k, v]) => [v, k]));

/** How a response names itself in an error's detail. */
export function describe(m: TdispMessage | undefined): string {
  if (!m) return 'an undecodable response';
  return m.messageType === 'TDISP_ERROR' ? `TDISP_ERROR(${TDISP_ERROR_NAMES.get(m.errorCode) ?? m.errorCode})` : m.messageType;
}

/** Reading back what the host relayed: the core's decoders, under the names this model uses. */
export { readRelayedTdisp as readTdisp, readRelayedIdeKm as readIdeKm, readRelayedDiscovery as readDiscovery } from '@teeio/core';
