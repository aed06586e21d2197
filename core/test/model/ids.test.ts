/**
 * pci_name() text and the ids derived from it: a requester id is bus << 8 | device << 3 |
 * function (PCIe Base, Routing IDs), and a TSM's TDISP INTERFACE_ID carries that requester id.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bdfOf, interfaceIdOfBdf, parseBdf } from '../../src/model/ids.js';

describe('pci_name() and requester ids', () => {
  it('parses what bdfOf prints, for every requester id and segment', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffff }), (rid, segment) => {
        expect(parseBdf(bdfOf(rid, segment))).toEqual({ requesterId: rid, segment });
      }),
    );
  });

  it('reads bus, device and function into the requester id', () => {
    expect(parseBdf('0000:01:00.1')).toEqual({ requesterId: 0x0101, segment: 0 });
    expect(parseBdf('0001:ff:1f.7')).toEqual({ requesterId: 0xffff, segment: 1 });
  });

  it('refuses what is not a pci_name(): a device above 0x1f, a function above 7, upper case, no segment', () => {
    for (const bad of ['0000:01:20.0', '0000:01:00.8', '0000:0A:00.0', '01:00.0', '']) expect(parseBdf(bad)).toBeUndefined();
  });
});

describe('interfaceIdOfBdf', () => {
  it("is the TDI's requester id with no segment", () => {
    expect(interfaceIdOfBdf('0000:01:00.1')).toEqual({ functionId: { requesterId: 0x0101, segment: 0, segmentValid: false } });
  });

  it('throws on a name that is not a pci_name()', () => {
    expect(() => interfaceIdOfBdf('01:00.1')).toThrow(/bad BDF 01:00\.1/);
  });
});
