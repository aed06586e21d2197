import {
  decodeDoe,
  decodeWith,
  type DoeDataObject,
  DoeDataObjectType,
  doeDiscoveryRequestCodec,
  doeDiscoveryResponseCodec,
  encodeDoe,
  encodeWith,
  PCI_DOE_VENDOR_ID_PCISIG,
  spdmDataObject,
  spdmInDoe,
  WireDecodeError,
} from '../wire/index.js';

/** Why the mailbox answered nothing (a real DOE sets its Error bit instead of responding). */
export type DoeFailureReason = 'malformed' | 'unsupported-vendor' | 'unsupported-type' | 'invalid-discovery-index';

export type DoeResult = { readonly ok: true; readonly response: Uint8Array } | { readonly ok: false; readonly reason: DoeFailureReason; readonly detail: string };

/** [E] pci_doe_dispatch.c: the protocols DOE Discovery lists, at indices 0..2. */
const DISCOVERABLE = [DoeDataObjectType.DOE_DISCOVERY, DoeDataObjectType.SPDM, DoeDataObjectType.SECURED_SPDM] as const;

const fail = (reason: DoeFailureReason, detail: string): DoeResult => ({ ok: false, reason, detail });
const respond = (object: DoeDataObject): DoeResult => ({ ok: true, response: encodeDoe(object) });

/** [E] pci_doe_rsp_discovery.c: an index past the last entry is an error; the last entry's next_index is 0. */
function discovery(payload: Uint8Array): DoeResult {
  const { index } = decodeWith(doeDiscoveryRequestCodec, 'doe', payload).message;
  const dataObjectType = DISCOVERABLE[index];
  if (dataObjectType === undefined) return fail('invalid-discovery-index', `index ${index} is past the ${DISCOVERABLE.length} protocols`);
  const nextIndex = index + 1 < DISCOVERABLE.length ? index + 1 : 0;
  const response = encodeWith(doeDiscoveryResponseCodec, { vendorId: PCI_DOE_VENDOR_ID_PCISIG, dataObjectType, nextIndex });
  return respond({ vendorId: PCI_DOE_VENDOR_ID_PCISIG, dataObjectType: DoeDataObjectType.DOE_DISCOVERY, payload: response });
}

/**
 * The DSM's DOE mailbox on function 0: DOE Discovery, and SPDM objects handed to `spdmResponder`.
 * Secured SPDM is listed by Discovery, as in [E], but the device models no SPDM session, so
 * such objects fail like any other unsupported type.
 */
export class DoeMailbox {
  private readonly handlers: ReadonlyMap<number, (payload: Uint8Array) => DoeResult>;

  constructor(spdmResponder: (request: Uint8Array) => Uint8Array) {
    this.handlers = new Map([
      [DoeDataObjectType.DOE_DISCOVERY, discovery],
      [DoeDataObjectType.SPDM, (payload) => respond(spdmDataObject(spdmResponder(spdmInDoe(payload))))],
    ]);
  }

  /** One request object in, one response object out, or the failure that left the mailbox silent. */
  exchange(request: Uint8Array): DoeResult {
    try {
      const object = decodeDoe(request).message;
      if (object.vendorId !== PCI_DOE_VENDOR_ID_PCISIG) return fail('unsupported-vendor', `vendor 0x${object.vendorId.toString(16)}`);
      const handler = this.handlers.get(object.dataObjectType);
      return handler ? handler(object.payload) : fail('unsupported-type', `data object type 0x${object.dataObjectType.toString(16)}`);
    } catch (e) {
      if (e instanceof WireDecodeError) return fail('malformed', e.message);
      throw e;
    }
  }
}
