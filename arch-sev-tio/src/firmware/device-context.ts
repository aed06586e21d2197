import {
  type Bdf,
  DoeDataObjectType,
  type FwErr,
  type FwResult,
  IDE_DIRECTIONS,
  IDE_SUB_STREAMS,
  type IdeKmMessage,
  IdeSubStream,
  KpAckStatus,
  OK,
  ok,
  sha384,
  toHex,
  fromHex,
} from '@teeio/core';
import { type PspContext, sev } from './command.js';
import { deviceBytes, exchange, output, replyText } from './exchange.js';
import type { DevCtx, Program, TdiCtx } from './state.js';

/**
 * The device context (TIO_DEV_CREATE … TIO_DEV_RECLAIM), one per DSM: the PSP's SPDM session and
 * IDE streams with the device, its certificates and measurements [REF §1].
 */

/** What TIO_DEV_CONNECT is given: traffic classes, certificate slot, IDE streams, the output buffer's size. */
export interface ConnectParams {
  readonly tcMask: number;
  readonly certSlot: number;
  readonly ideStreamIds: readonly number[];
  readonly outputLen: number;
}

/** What TIO_DEV_STATUS returns. */
export interface DevStatus {
  ctxState: string;
  ideStreamIds: number[];
  certDigest: string;
  measDigest: string;
  tdiCount: number;
  boundTdiCount: number;
}

/** The TDI contexts of a device. */
export const tdisOf = ({ fw }: PspContext, dsm: Bdf): [Bdf, TdiCtx][] => Object.entries(fw.state.tdis).filter(([, t]) => t.dsm === dsm);

/** SEV_RET_SEV_STATUS_INVALID_DEV_STATE unless the device context is connected (or `rule` is ablated). */
export function notConnected({ fw }: PspContext, dsm: Bdf, dev: DevCtx, rule: 'dev-evidence-requires-connected' | 'tdi-create-requires-connected'): FwErr | undefined {
  return dev.ctxState !== 'CONNECTED' && fw.enforces(rule) ? sev('SEV_RET_SEV_STATUS_INVALID_DEV_STATE', `${dsm} is ${dev.ctxState}`) : undefined;
}

/** TIO_DEV_CREATE: a device context for PF0 (no SPDM). */
export function devCreate({ fw }: PspContext, dsm: Bdf, deviceId: number, rootPortId: number, segmentId: number): FwResult {
  const s = fw.state;
  if (s.devices[dsm] && fw.enforces('dev-create-requires-no-context')) return sev('SEV_RET_SEV_STATUS_RECLAIM_REQUIRED', `${dsm} has a device context`);
  if ((deviceId & 7) !== 0 && fw.enforces('dev-create-requires-pf0')) return sev('SEV_RET_INVALID_PARAM', `device_id 0x${deviceId.toString(16)} is not function 0`);
  s.devices[dsm] = { deviceId, rootPortId, segmentId, ctxState: 'CREATED', tcMask: 0, certSlot: 0, ideStreamIds: [], keysGo: [], certificates: '', certDigest: '', measurements: '', measDigest: '' };
  return OK;
}

/** TIO_DEV_CONNECT's work: DOE discovery until SPDM is found, IDE_KM QUERY, KEY_PROG of every sub-stream, then K_SET_GO. */
export function* connectProgram(ctx: PspContext, dsm: Bdf, dev: DevCtx, p: ConnectParams): Program<FwResult<Uint8Array>> {
  if (dev.ctxState !== 'CREATED' && ctx.fw.enforces('dev-connect-requires-created')) return sev('SEV_RET_SEV_STATUS_INVALID_DEV_STATE', `${dsm} is ${dev.ctxState}`);
  if ((p.tcMask & 1) === 0 && ctx.fw.enforces('dev-connect-requires-tc0')) return sev('SEV_RET_INVALID_PARAM', 'tc_mask bit 0 (TC0) is required');
  const streamId = p.ideStreamIds[0] ?? 0;
  const found: number[] = [];
  let index = 0;
  do {
    const r = yield* exchange({ proto: 'DOE_DISCOVERY', index });
    if (r.proto !== 'DOE_DISCOVERY') return sev('SEV_RET_SEV_STATUS_ERR_IN_DEV_CONN', `DOE discovery: ${replyText(r)}`);
    found.push(r.dataObjectType);
    index = r.nextIndex;
  } while (index !== 0 && found.length < 256);
  if (!found.includes(DoeDataObjectType.SPDM)) return sev('SEV_RET_SEV_STATUS_ERR_IN_DEV_CONN', 'the DOE mailbox does not carry SPDM');
  const query = yield* exchange({ proto: 'IDE_KM', message: { objectId: 'QUERY', portIndex: 0 } as IdeKmMessage });
  if (query.proto !== 'IDE_KM' || query.message.objectId !== 'QUERY_RESP') return sev('SEV_RET_SEV_STATUS_ERR_IN_DEV_CONN', `IDE_KM QUERY: ${replyText(query)}`);
  if (((query.message.busNum << 8) | query.message.devFuncNum) !== dev.deviceId) return sev('SEV_RET_SEV_STATUS_ERR_IN_DEV_CONN', 'IDE_KM QUERY_RESP names another function');
  const slots = IDE_DIRECTIONS.flatMap((direction) => IDE_SUB_STREAMS.map((sub) => ({ direction, sub, keySubStream: { keySet: 'K0' as const, direction, subStream: IdeSubStream[sub] } })));
  for (const s of slots) {
    const msg = { objectId: 'KEY_PROG', streamId, keySubStream: s.keySubStream, portIndex: 0, key: ctx.random.bytes(32), ifv: new Uint8Array(8) } as IdeKmMessage;
    const r = yield* exchange({ proto: 'IDE_KM', message: msg });
    if (r.proto !== 'IDE_KM' || r.message.objectId !== 'KP_ACK' || r.message.status !== KpAckStatus.SUCCESS) return sev('SEV_RET_SEV_STATUS_ERR_IN_DEV_CONN', `KEY_PROG ${s.direction}/${s.sub}: ${replyText(r)}`);
  }
  dev.ideStreamIds = [streamId];
  for (const s of slots) {
    // Recorded as K_SET_GO goes out, so that a disconnect stops every key that may be live.
    dev.keysGo.push(`${s.direction}/${s.sub}`);
    const r = yield* exchange({ proto: 'IDE_KM', message: { objectId: 'K_SET_GO', streamId, keySubStream: s.keySubStream, portIndex: 0 } as IdeKmMessage });
    if (r.proto !== 'IDE_KM' || r.message.objectId !== 'K_SET_GOSTOP_ACK') return sev('SEV_RET_SEV_STATUS_ERR_IN_DEV_CONN', `K_SET_GO ${s.direction}/${s.sub}: ${replyText(r)}`);
  }
  const certificates = deviceBytes(`certificate chain of ${dsm}, slot ${p.certSlot}`, 22);
  yield* output(certificates.length, p.outputLen);
  Object.assign(dev, { ctxState: 'CONNECTED', tcMask: p.tcMask, certSlot: p.certSlot, certificates: toHex(certificates), certDigest: sha384(certificates) });
  return ok(certificates);
}

/** TIO_DEV_DISCONNECT's work: refused with TDI contexts; unless forced, K_SET_STOP of every live key first. */
export function* disconnectProgram(ctx: PspContext, dsm: Bdf, dev: DevCtx, force: boolean): Program<FwResult> {
  const tdis = tdisOf(ctx, dsm);
  const bound = tdis.filter(([, t]) => t.status !== 'UNBOUND').length;
  if (tdis.length > 0 && ctx.fw.enforces('dev-disconnect-requires-no-tdi')) return sev('SEV_RET_IN_USE', `${dsm} has ${tdis.length} TDI context(s), ${bound} bound`);
  if (!force)
    for (const slot of [...dev.keysGo]) {
      const [direction, sub] = slot.split('/') as [(typeof IDE_DIRECTIONS)[number], (typeof IDE_SUB_STREAMS)[number]];
      const keySubStream = { keySet: 'K0' as const, direction, subStream: IdeSubStream[sub] };
      const r = yield* exchange({ proto: 'IDE_KM', message: { objectId: 'K_SET_STOP', streamId: dev.ideStreamIds[0] ?? 0, keySubStream, portIndex: 0 } as IdeKmMessage });
      if (r.proto !== 'IDE_KM' || r.message.objectId !== 'K_SET_GOSTOP_ACK') return sev('SEV_RET_SPDM_ERROR', `K_SET_STOP ${slot}: ${replyText(r)}`);
      dev.keysGo = dev.keysGo.filter((k) => k !== slot);
    }
  Object.assign(dev, { ctxState: 'DISCONNECTED', ideStreamIds: [], keysGo: [] });
  return OK;
}

/** TIO_DEV_RECLAIM: releases the device context; it must not be connected or have TDIs. */
export function devReclaim(ctx: PspContext, dsm: Bdf): FwResult {
  const dev = ctx.fw.state.devices[dsm];
  if (!dev) return sev('SEV_RET_SEV_STATUS_INVALID_DEV_CTX', `no device context for ${dsm}`);
  if (ctx.fw.enforces('dev-reclaim-requires-released')) {
    if (dev.ctxState === 'CONNECTED') return sev('SEV_RET_SEV_STATUS_INVALID_DEV_STATE', `${dsm} is connected: TIO_DEV_DISCONNECT first`);
    if (tdisOf(ctx, dsm).length > 0) return sev('SEV_RET_IN_USE', `${dsm} has TDI contexts`);
  }
  ctx.fw.abandon(dsm);
  delete ctx.fw.state.devices[dsm];
  return OK;
}

/** TIO_DEV_STATUS: ctx_state, streams, digests and TDI counts. */
export function devStatus(ctx: PspContext, dsm: Bdf): FwResult<DevStatus> {
  const dev = ctx.fw.state.devices[dsm];
  if (!dev) return sev('SEV_RET_SEV_STATUS_INVALID_DEV_CTX', `no device context for ${dsm}`);
  const tdis = tdisOf(ctx, dsm);
  return ok({ ctxState: dev.ctxState, ideStreamIds: [...dev.ideStreamIds], certDigest: dev.certDigest, measDigest: dev.measDigest, tdiCount: tdis.length, boundTdiCount: tdis.filter(([, t]) => t.status !== 'UNBOUND').length });
}

/** TIO_DEV_MEASUREMENTS' work: the model's per-device bytes followed by the nonce, so a fresh nonce gives a new digest. */
export function* measurementsProgram(ctx: PspContext, dsm: Bdf, dev: DevCtx, nonce: Uint8Array, outputLen: number): Program<FwResult<Uint8Array>> {
  const refused = notConnected(ctx, dsm, dev, 'dev-evidence-requires-connected');
  if (refused) return refused;
  const record = Uint8Array.from([...deviceBytes(`measurements of ${dsm}`, 4), ...nonce]);
  yield* output(record.length, outputLen);
  Object.assign(dev, { measurements: toHex(record), measDigest: sha384(record) });
  return ok(record);
}

/** TIO_DEV_CERTIFICATES' work: the certificate chain read at connect. */
export function* certificatesProgram(ctx: PspContext, dsm: Bdf, dev: DevCtx, outputLen: number): Program<FwResult<Uint8Array>> {
  const refused = notConnected(ctx, dsm, dev, 'dev-evidence-requires-connected');
  if (refused) return refused;
  const certificates = fromHex(dev.certificates);
  yield* output(certificates.length, outputLen);
  return ok(certificates);
}
