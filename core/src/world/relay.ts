import type { Bdf } from '../model/ids.js';
import { type FwResult, fail, ok } from '../ports/result.js';
import type { Tracer } from '../trace/tracer.js';
import { fromHex, toHex } from '../wire/codec/hex.js';
import { DoeDataObjectType, PCI_DOE_VENDOR_ID_PCISIG } from '../wire/doe/codes.js';
import { encodeDoe } from '../wire/doe/data-object.js';
import { idekm } from '../wire/idekm/messages.js';
import { readRelayedDiscovery, readRelayedIdeKm, readRelayedTdisp } from '../wire/relayed.js';
import { tdisp } from '../wire/tdisp/messages.js';
import type { DeviceLink } from './device-link.js';

/** A message a firmware model wrote for the untrusted host to carry to a device, hex. */
export interface RelayedMessage {
  /** What the payload is: a DOE Discovery request DW, or a TDISP / IDE_KM message in an SPDM VDM. */
  readonly protocol: 'DOE_DISCOVERY' | 'TDISP' | 'IDE_KM';
  /** The function the message is for: the DSM for DOE Discovery and IDE_KM, the TDI for TDISP. */
  readonly target: Bdf;
  readonly message: string;
}

const DOE_TYPE_NAMES = new Map<number, string>(Object.entries(DoeDataObjectType).map(([k, v]) => [v, k]));

/** A DOE data object type by its name (DOE_DISCOVERY, SPDM, SECURED_SPDM), or its number. */
export const doeTypeName = (type: number): string => DOE_TYPE_NAMES.get(type) ?? String(type);

/**
 * The host's DOE transfer of one message a firmware model wrote (pci_doe() on the function's
 * mailbox): the device's answer, hex, for the firmware to read back. `buffer` names where the
 * firmware put the message, for the error when it holds none. DOE Discovery is traced here: the
 * device link traces TDISP and IDE_KM itself.
 */
export function relayToDevice(link: DeviceLink, tracer: Tracer, m: RelayedMessage, buffer: string): FwResult<string> {
  switch (m.protocol) {
    case 'TDISP': {
      const message = readRelayedTdisp(m.message);
      if (!message) return fail('-EINVAL', `the ${buffer} holds no TDISP message`);
      const r = link.tdisp(m.target, message);
      return r.ok ? ok(toHex(tdisp.encode(r.value))) : r;
    }
    case 'IDE_KM': {
      const message = readRelayedIdeKm(m.message);
      if (!message) return fail('-EINVAL', `the ${buffer} holds no IDE_KM message`);
      const r = link.idekm(m.target, message);
      return r.ok ? ok(toHex(idekm.encode(r.value))) : r;
    }
    case 'DOE_DISCOVERY': {
      const r = link.doe(m.target, encodeDoe({ vendorId: PCI_DOE_VENDOR_ID_PCISIG, dataObjectType: DoeDataObjectType.DOE_DISCOVERY, payload: fromHex(m.message) }));
      const d = r.ok ? readRelayedDiscovery(toHex(r.value)) : undefined;
      tracer.record({ actor: 'device', op: 'DOE_DISCOVERY', args: { dsm: m.target, index: String(fromHex(m.message)[0] ?? 0) }, result: d ? doeTypeName(d.dataObjectType) : r.ok ? 'invalid' : r.code });
      return r.ok ? ok(toHex(r.value)) : r;
    }
  }
}
