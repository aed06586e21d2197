import { describe, expect, it } from 'vitest';
import { DoeDataObjectType, doeDiscoveryRequestCodec, doeDiscoveryResponseCodec, encodeDoe, encodeWith, readRelayedDiscovery, readRelayedIdeKm, readRelayedTdisp, toHex } from '../../src/wire/index.js';

// The LOCK_INTERFACE_REQUEST of the README's decode example (tdisp-wire.md §5).
const LOCK = '10830000efbe0000000000000000000007000000000000d0000000000000000000000000';

describe('reading back what an untrusted host relayed', () => {
  it('decodes a TDISP message, and refuses the same bytes as IDE_KM', () => {
    expect(readRelayedTdisp(LOCK)).toMatchObject({ messageType: 'LOCK_INTERFACE_REQUEST', flags: 7 });
    expect(readRelayedIdeKm(LOCK)).toBeUndefined();
  });

  it('answers undefined, never throws, for a truncated message or a page that is not hex', () => {
    expect(readRelayedTdisp(LOCK.slice(0, 20))).toBeUndefined();
    expect(readRelayedTdisp('zz')).toBeUndefined();
    expect(readRelayedDiscovery('abc')).toBeUndefined();
  });

  it('takes a DOE object as discovery only when it is a Discovery object', () => {
    const request = toHex(encodeWith(doeDiscoveryRequestCodec, { index: 0, version: 0 }));
    // A discovery request is a Discovery object whose payload is too short for a response.
    expect(readRelayedDiscovery(request)).toBeUndefined();
    const payload = encodeWith(doeDiscoveryResponseCodec, { vendorId: 0x0001, dataObjectType: DoeDataObjectType.SPDM, nextIndex: 2 });
    const object = (dataObjectType: number) => toHex(encodeDoe({ vendorId: 0x0001, dataObjectType, payload }));
    expect(readRelayedDiscovery(object(DoeDataObjectType.DOE_DISCOVERY))).toEqual({ dataObjectType: DoeDataObjectType.SPDM, nextIndex: 2 });
    // The same payload in an SPDM object is not a discovery answer.
    expect(readRelayedDiscovery(object(DoeDataObjectType.SPDM))).toBeUndefined();
  });
});
