import { describe, expect, it } from 'vitest';
import { interfaceIdOf, toHex } from '../../src/index.js';
import { buildRequest } from '../../src/validator/request.js';

const BEEF = interfaceIdOf(0xbeef);

describe('building requests from templates', () => {
  it('fills in the header and encodes the body from its JSON view', () => {
    const { bytes } = buildRequest({ type: 'GET_DEVICE_INTERFACE_REPORT' }, { offset: '0x0040', length: 64 }, BEEF);
    expect(toHex(bytes)).toBe('10840000efbe0000000000000000000040004000');
  });

  it('damages the version, the message type or the size when asked', () => {
    const tamper = (t: object) => toHex(buildRequest({ type: 'GET_DEVICE_INTERFACE_STATE', tamper: t }, {}, BEEF).bytes);
    expect(tamper({ version: 0x20 })).toBe('20850000efbe00000000000000000000');
    expect(tamper({ messageType: 0x8f })).toBe('108f0000efbe00000000000000000000');
    expect(tamper({ sizeDelta: 1 })).toBe('10850000efbe0000000000000000000000');
    expect(tamper({ sizeDelta: -1 })).toBe('10850000efbe000000000000000000');
  });

  it('rejects a body the TDISP schema does not allow, naming the field', () => {
    expect(() => buildRequest({ type: 'GET_DEVICE_INTERFACE_REPORT' }, { offset: 'zero', length: 1 }, BEEF)).toThrow(/^check definition: GET_DEVICE_INTERFACE_REPORT body \/offset: /);
  });
});
