/**
 * What a TSM's IDE key programming is built from: the six K0 slots of a stream and the reply that
 * accepts each request (IDE_KM: KEY_PROG answered by KP_ACK with status SUCCESS; K_SET_GO and
 * K_SET_STOP by K_SET_GOSTOP_ACK).
 */
import { describe, expect, it } from 'vitest';
import { K0_KEY_SLOTS, KpAckStatus, encodeWith, isIdeKmAccepted, keySubStreamCodec } from '../../src/wire/index.js';
import type { IdeKmMessage } from '../../src/wire/index.js';

const head = { streamId: 1, keySubStream: { keySet: 'K0' as const, direction: 'RX' as const, subStream: 0 }, portIndex: 0 };

describe('K0_KEY_SLOTS', () => {
  it('is key set K0 in RX then TX, for PR, NPR and CPL: six distinct key_sub_stream bytes', () => {
    expect(K0_KEY_SLOTS.map((s) => `${s.keySet}/${s.direction}/${s.subStream}`)).toEqual(['K0/RX/0', 'K0/RX/1', 'K0/RX/2', 'K0/TX/0', 'K0/TX/1', 'K0/TX/2']);
    expect(new Set(K0_KEY_SLOTS.map((s) => encodeWith(keySubStreamCodec, s)[0])).size).toBe(6);
  });
});

describe('isIdeKmAccepted', () => {
  const kpAck = (status: number): IdeKmMessage => ({ objectId: 'KP_ACK', ...head, status }) as IdeKmMessage;
  const gostopAck: IdeKmMessage = { objectId: 'K_SET_GOSTOP_ACK', ...head } as IdeKmMessage;

  it('accepts a KEY_PROG only with a KP_ACK of status SUCCESS', () => {
    expect(isIdeKmAccepted('KEY_PROG', kpAck(KpAckStatus.SUCCESS))).toBe(true);
    for (const [name, status] of Object.entries(KpAckStatus)) if (name !== 'SUCCESS') expect(isIdeKmAccepted('KEY_PROG', kpAck(status)), name).toBe(false);
    expect(isIdeKmAccepted('KEY_PROG', gostopAck)).toBe(false);
    expect(isIdeKmAccepted('KEY_PROG', undefined)).toBe(false);
  });

  it('accepts K_SET_GO and K_SET_STOP with K_SET_GOSTOP_ACK only', () => {
    for (const sent of ['K_SET_GO', 'K_SET_STOP'] as const) {
      expect(isIdeKmAccepted(sent, gostopAck)).toBe(true);
      expect(isIdeKmAccepted(sent, kpAck(KpAckStatus.SUCCESS))).toBe(false);
      expect(isIdeKmAccepted(sent, undefined)).toBe(false);
    }
  });
});
