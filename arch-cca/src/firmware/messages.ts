import {
  type Bdf,
  type IdeKmMessage,
  type InterfaceId,
  type TdispMessage,
  TdispErrorCode,
  doeDiscoveryRequestCodec,
  encodeWith,
  idekm,
  interfaceIdOfBdf,
  tdisp,
  toHex,
} from '@teeio/core';
import type { DaRequest } from './state.js';

/**
 * What the RMM's DA app (app/device_assignment/el0_app, dev_tdisp_cmds.c,
 * dev_assign_ide_cmds.c) writes into the host's request buffer and reads back from its
 * response buffer. The RMM never touches the device: every message goes through the host.
 */

export const TDISP_VERSION = 0x10;

const TDISP_ERRORS = new Map<number, string>(Object.entries(TdispErrorCode).map(([k, v]) => [v, k]));

/** The TDISP header of a TDI: its INTERFACE_ID is its RID. */
export function tdispHead(tdi: Bdf): { version: number; interfaceId: InterfaceId } {
  return { version: TDISP_VERSION, interfaceId: interfaceIdOfBdf(tdi) };
}

export function tdispRequest(tdi: Bdf, m: TdispMessage): DaRequest {
  return { protocol: 'TDISP', target: tdi, message: toHex(tdisp.encode(m)), label: m.messageType };
}

export function idekmRequest(dsm: Bdf, m: IdeKmMessage): DaRequest {
  return { protocol: 'IDE_KM', target: dsm, message: toHex(idekm.encode(m)), label: m.objectId };
}

/** DOE Discovery of entry `index` (PCIe DOE §6.30.1.1): how the app finds the SPDM mailbox. */
export function discoveryRequest(dsm: Bdf, index: number): DaRequest {
  return { protocol: 'DOE_DISCOVERY', target: dsm, message: toHex(encodeWith(doeDiscoveryRequestCodec, { index, version: 0 })), label: `DOE_DISCOVERY #${index}` };
}

/** How a TDISP response names itself in an error's detail. */
export function labelOf(m: TdispMessage | undefined): string {
  if (!m) return 'an undecodable response';
  return m.messageType === 'TDISP_ERROR' ? `TDISP_ERROR(${TDISP_ERRORS.get(m.errorCode) ?? m.errorCode})` : m.messageType;
}

/** Reading back what the host relayed: the core's decoders, under the names this model uses. */
export { readRelayedTdisp as parseTdisp, readRelayedIdeKm as parseIdeKm, readRelayedDiscovery as parseDiscovery } from '@teeio/core';
