import type { TdispResponder } from '../device/responder.js';
import { SeededRandom } from '../util/seeded-random.js';
import {
  IDE_DIRECTIONS,
  IDE_SUB_STREAMS,
  type IdeKmMessage,
  IdeSubStream,
  type InterfaceId,
  LockInterfaceFlag,
  TDISP_VERSION_10,
  type TdispMessage,
  idekm,
  tdisp,
  toHex,
} from '../wire/index.js';

/** One message of the transcript, decoded and as bytes. */
export interface TranscriptEntry {
  readonly seq: number;
  readonly protocol: 'IDE_KM' | 'TDISP';
  readonly direction: 'request' | 'response';
  readonly name: string;
  /** The message's JSON view (as `teeio tdisp decode` prints it). */
  readonly json: Record<string, unknown>;
  readonly hex: string;
  /** A response other than the one the request calls for. */
  readonly unexpected?: true;
}

/** Who answers: TDISP through a responder, and IDE_KM where the target has a way to take it. */
export interface TranscriptTarget {
  readonly tdisp: TdispResponder;
  /** Raw IDE_KM in, raw IDE_KM out (the built-in device's DSM); absent for a DECAP_TDISP peer. */
  readonly idekm?: (request: Uint8Array) => Uint8Array | undefined;
  readonly interfaceId: InterfaceId;
}

/** Collects the exchange; each call sends one request and records both messages. */
class Recorder {
  readonly entries: TranscriptEntry[] = [];

  constructor(private readonly target: TranscriptTarget) {}

  private add(protocol: TranscriptEntry['protocol'], direction: TranscriptEntry['direction'], name: string, json: unknown, bytes: Uint8Array, unexpected = false): void {
    this.entries.push({ seq: this.entries.length + 1, protocol, direction, name, json: json as Record<string, unknown>, hex: toHex(bytes), ...(unexpected ? { unexpected: true as const } : {}) });
  }

  async tdisp(request: TdispMessage, expected: TdispMessage['messageType']): Promise<TdispMessage> {
    const bytes = tdisp.encode(request);
    this.add('TDISP', 'request', request.messageType, tdisp.toJson(request), bytes);
    const answer = await this.target.tdisp.exchange(bytes);
    const response = tdisp.decode(answer).message;
    this.add('TDISP', 'response', response.messageType, tdisp.toJson(response), answer, response.messageType !== expected);
    return response;
  }

  idekm(request: IdeKmMessage): void {
    const send = this.target.idekm;
    if (!send) return;
    const bytes = idekm.encode(request);
    this.add('IDE_KM', 'request', request.objectId, idekm.toJson(request), bytes);
    const answer = send(bytes);
    if (!answer) return void this.entries.push({ seq: this.entries.length + 1, protocol: 'IDE_KM', direction: 'response', name: 'SPDM ERROR', json: {}, hex: '', unexpected: true });
    const response = idekm.decode(answer).message;
    this.add('IDE_KM', 'response', response.objectId, idekm.toJson(response), answer);
  }
}

/** IDE_KM: K0 for every direction and sub-stream of stream 0, then GO, so LOCK finds the default stream secure. */
function programKeys(r: Recorder): void {
  const random = new SeededRandom('teeio transcript keys');
  r.idekm({ objectId: 'QUERY', portIndex: 0 });
  for (const direction of IDE_DIRECTIONS)
    for (const sub of IDE_SUB_STREAMS) {
      const keySubStream = { keySet: 'K0' as const, direction, subStream: IdeSubStream[sub] };
      r.idekm({ objectId: 'KEY_PROG', streamId: 0, keySubStream, portIndex: 0, key: random.bytes(32), ifv: new Uint8Array(8) });
      r.idekm({ objectId: 'K_SET_GO', streamId: 0, keySubStream, portIndex: 0 });
    }
}

/** Asks for the report `portion` bytes at a time, as a TSM with a small buffer would. */
async function readReport(r: Recorder, interfaceId: InterfaceId, portion: number): Promise<void> {
  for (let offset = 0; ; ) {
    const m = await r.tdisp({ version: TDISP_VERSION_10, messageType: 'GET_DEVICE_INTERFACE_REPORT', interfaceId, offset, length: portion }, 'DEVICE_INTERFACE_REPORT');
    if (m.messageType !== 'DEVICE_INTERFACE_REPORT' || m.remainderLength === 0 || m.portion.length === 0) return;
    offset += m.portion.length;
  }
}

/**
 * The TDISP lifecycle of one interface, as a TSM drives it: IDE keys (where the target takes
 * IDE_KM), GET_TDISP_VERSION, GET_TDISP_CAPABILITIES, state, LOCK, state, the report in
 * portions, START with LOCK's nonce, state, STOP, state.
 */
export async function runTranscript(target: TranscriptTarget, reportPortion = 0x40): Promise<TranscriptEntry[]> {
  const r = new Recorder(target);
  const interfaceId = target.interfaceId;
  const header = { version: TDISP_VERSION_10, interfaceId };
  const state = () => r.tdisp({ ...header, messageType: 'GET_DEVICE_INTERFACE_STATE' }, 'DEVICE_INTERFACE_STATE');
  programKeys(r);
  await r.tdisp({ ...header, messageType: 'GET_TDISP_VERSION' }, 'TDISP_VERSION');
  await r.tdisp({ ...header, messageType: 'GET_TDISP_CAPABILITIES', tsmCaps: 0 }, 'TDISP_CAPABILITIES');
  await state();
  const lock = await r.tdisp(
    { ...header, messageType: 'LOCK_INTERFACE_REQUEST', flags: LockInterfaceFlag.NO_FW_UPDATE, defaultStreamId: 0, mmioReportingOffset: 0n, bindP2pAddressMask: 0n },
    'LOCK_INTERFACE_RESPONSE',
  );
  await state();
  await readReport(r, interfaceId, reportPortion);
  const nonce = lock.messageType === 'LOCK_INTERFACE_RESPONSE' ? lock.startInterfaceNonce : new Uint8Array(32);
  await r.tdisp({ ...header, messageType: 'START_INTERFACE_REQUEST', startInterfaceNonce: nonce }, 'START_INTERFACE_RESPONSE');
  await state();
  await r.tdisp({ ...header, messageType: 'STOP_INTERFACE_REQUEST' }, 'STOP_INTERFACE_RESPONSE');
  await state();
  return r.entries;
}
