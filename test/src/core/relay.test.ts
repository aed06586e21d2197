import { DoeDataObjectType, TDISP_VERSION_10, doeTypeName, interfaceIdOf, readRelayedDiscovery, readRelayedTdisp, relayToDevice, tdisp, toHex } from '@teeio/core';
import { describe, expect, it } from 'vitest';
import { DSM, Harness, VF } from './harness.js';

/** relayToDevice: the host's pci_doe() of a message a firmware model wrote, as the TDX and CCA host drivers use it. */
describe('relayToDevice', () => {
  it('carries a DOE Discovery request and traces what the device has at that index', () => {
    const h = new Harness();
    const r = relayToDevice(h.w.link, h.w.tracer, { protocol: 'DOE_DISCOVERY', target: DSM, message: '00000000' }, 'request page');
    if (!r.ok) throw new Error(r.code);
    const d = readRelayedDiscovery(r.value);
    expect(d).toBeDefined();
    const entry = h.w.tracer.entries.at(-1);
    expect(entry).toMatchObject({ actor: 'device', op: 'DOE_DISCOVERY', args: { dsm: DSM, index: '0' }, result: doeTypeName(d?.dataObjectType ?? -1) });
  });

  it('carries a TDISP request to the TDI and hands back the device\'s response, hex', () => {
    const h = new Harness();
    const request = toHex(tdisp.encode({ version: TDISP_VERSION_10, interfaceId: interfaceIdOf(0x101), messageType: 'GET_TDISP_VERSION' }));
    const r = relayToDevice(h.w.link, h.w.tracer, { protocol: 'TDISP', target: VF, message: request }, 'request page');
    if (!r.ok) throw new Error(r.code);
    expect(readRelayedTdisp(r.value)?.messageType).toBe('TDISP_VERSION');
  });

  it('refuses a buffer that holds no message of its protocol with -EINVAL, naming the buffer', () => {
    const h = new Harness();
    for (const protocol of ['TDISP', 'IDE_KM'] as const)
      expect(relayToDevice(h.w.link, h.w.tracer, { protocol, target: VF, message: 'zz' }, 'request buffer')).toEqual({ ok: false, code: '-EINVAL', detail: `the request buffer holds no ${protocol} message` });
  });

  it('names DOE data object types, and a number it does not know as the number', () => {
    expect(doeTypeName(DoeDataObjectType.SPDM)).toBe('SPDM');
    expect(doeTypeName(0x7f)).toBe('127');
  });
});
