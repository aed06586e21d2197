import {
  type Bdf,
  type DeviceLink,
  DoeDataObjectType,
  type FwResult,
  PCI_DOE_VENDOR_ID_PCISIG,
  type Tracer,
  decodeDoe,
  decodeWith,
  doeDiscoveryRequestCodec,
  doeDiscoveryResponseCodec,
  doeTypeName,
  encodeDoe,
  encodeWith,
  ok,
} from '@teeio/core';
import type { SpdmReply, SpdmRequest } from '../firmware/state.js';
import { Errno } from './errno.js';

/**
 * pci_doe(): the CCP driver carries one request data object of the PSP to PF0's DOE mailbox and
 * hands back the answer as the PSP expects it [REF §1 "How DOE messages are relayed"]. A failed
 * exchange of IDE_KM or TDISP is a reply with no response unless the mailbox itself failed (-EIO).
 */
export function pciDoe(link: DeviceLink, tracer: Tracer, dsm: Bdf, req: SpdmRequest): FwResult<SpdmReply> {
  switch (req.proto) {
    case 'DOE_DISCOVERY': {
      const payload = encodeWith(doeDiscoveryRequestCodec, { index: req.index, version: 0 });
      const r = link.doe(dsm, encodeDoe({ vendorId: PCI_DOE_VENDOR_ID_PCISIG, dataObjectType: DoeDataObjectType.DOE_DISCOVERY, payload }));
      if (!r.ok) {
        tracer.record({ actor: 'device', op: 'DOE_DISCOVERY', args: { dsm, index: String(req.index) }, result: r.code });
        return r;
      }
      const d = decodeWith(doeDiscoveryResponseCodec, 'doe', decodeDoe(r.value).message.payload).message;
      tracer.record({ actor: 'device', op: 'DOE_DISCOVERY', args: { dsm, index: String(req.index) }, result: `${doeTypeName(d.dataObjectType)}, next ${d.nextIndex}` });
      return ok({ proto: 'DOE_DISCOVERY', dataObjectType: d.dataObjectType, nextIndex: d.nextIndex });
    }
    case 'IDE_KM': {
      const r = link.idekm(dsm, req.message);
      return r.ok ? ok({ proto: 'IDE_KM', message: r.value }) : r.code === Errno.EIO ? r : ok({ proto: 'NONE', error: r.code });
    }
    case 'TDISP': {
      const r = link.tdisp(req.tdi, req.message);
      return r.ok ? ok({ proto: 'TDISP', message: r.value }) : r.code === Errno.EIO ? r : ok({ proto: 'NONE', error: r.code });
    }
  }
}
