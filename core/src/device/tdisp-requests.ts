import { timingSafeEqual } from 'node:crypto';
import {
  type DeviceInterfaceReport,
  encodeDeviceInterfaceReport,
  LockInterfaceFlag,
  MmioRangeAttribute,
  TDISP_VERSION_10,
  TdiState,
  type TdispMessageOf,
  TdispRequestCode,
  type TdispRequestType,
} from '../wire/index.js';
import type { TdispCapabilitiesConfig } from './config.js';
import { lock } from './lock-interface.js';
import { reportPortion } from './report-portion.js';
import { failure, type RequestHandler, type TdiContext, type TdispReply } from './request-handler.js';
import type { BoundInterface } from './state.js';
import { ANY_STATE, LOCKED_STATES, startInterface, stopInterface } from './tdi-state-machine.js';

/**
 * What the device does for each TDISP request, and in which states (PCIe 6.1 §11.3;
 * linux-tsm-core §4). VDM_REQUEST has no entry: the device never supports it.
 */

/** The lock data of a TDI the table let through in CONFIG_LOCKED or RUN. */
function bound(ctx: TdiContext): BoundInterface {
  if (!ctx.tdi.bound) throw new Error(`internal: ${ctx.key} is ${ctx.tdi.state} without its lock data`);
  return ctx.tdi.bound;
}

/** req_msg_supported: bit (code − 0x80) per request (PCIe 6.1 §11.3.7; [C] expects 0xFE for 0x81..0x87). */
export function reqMsgSupported(requests: readonly TdispRequestType[]): Uint8Array {
  const mask = new Uint8Array(16);
  for (const r of requests) {
    const bit = TdispRequestCode[r] - 0x80;
    mask[bit >> 3] = (mask[bit >> 3] ?? 0) | (1 << (bit & 7));
  }
  return mask;
}

function capabilities(caps: TdispCapabilitiesConfig): TdispReply {
  return {
    messageType: 'TDISP_CAPABILITIES',
    dsmCaps: caps.dsmCaps,
    reqMsgSupported: reqMsgSupported(caps.supportedRequests),
    lockInterfaceFlagsSupported: caps.lockInterfaceFlagsSupported,
    devAddrWidth: caps.devAddrWidth,
    numReqThis: caps.numReqThis,
    numReqAll: caps.numReqAll,
  };
}

/** Each report's encoding, made once: a report is a value, so its bytes never change. */
const encodedReports = new WeakMap<DeviceInterfaceReport, Uint8Array>();

function reportBytes(report: DeviceInterfaceReport): Uint8Array {
  let bytes = encodedReports.get(report);
  if (!bytes) encodedReports.set(report, (bytes = encodeDeviceInterfaceReport(report)));
  return bytes;
}

function report(ctx: TdiContext, request: TdispMessageOf<'GET_DEVICE_INTERFACE_REPORT'>): TdispReply {
  const bytes = reportBytes(bound(ctx).report);
  const portion = reportPortion(bytes, request.offset, request.length, ctx.model.config.maxReportPortion);
  return portion ? { messageType: 'DEVICE_INTERFACE_REPORT', ...portion } : failure('INVALID_REQUEST');
}

/** [E] and [C] compare the nonce in constant time; a mismatch leaves the TDI CONFIG_LOCKED. */
function start(ctx: TdiContext, request: TdispMessageOf<'START_INTERFACE_REQUEST'>): TdispReply {
  const expected = bound(ctx).startInterfaceNonce;
  if (!expected || !timingSafeEqual(expected, request.startInterfaceNonce)) return failure('INVALID_NONCE');
  startInterface(ctx.tdi);
  return { messageType: 'START_INTERFACE_RESPONSE' };
}

/** P2P needs BIND_P2P at LOCK ("P2P may be enabled later; the mask is valid"). */
function bindP2p(ctx: TdiContext, request: TdispMessageOf<'BIND_P2P_STREAM_REQUEST'>): TdispReply {
  const b = bound(ctx);
  if ((b.flags & LockInterfaceFlag.BIND_P2P) === 0) return failure('INVALID_REQUEST');
  b.p2pStreams = [...new Set([...b.p2pStreams, request.p2pStreamId])].sort((x, y) => x - y);
  return { messageType: 'BIND_P2P_STREAM_RESPONSE' };
}

/** [R]: unbinding a stream that is not bound is an INVALID_REQUEST. */
function unbindP2p(ctx: TdiContext, request: TdispMessageOf<'UNBIND_P2P_STREAM_REQUEST'>): TdispReply {
  const b = bound(ctx);
  if (!b.p2pStreams.includes(request.p2pStreamId)) return failure('INVALID_REQUEST');
  b.p2pStreams = b.p2pStreams.filter((s) => s !== request.p2pStreamId);
  return { messageType: 'UNBIND_P2P_STREAM_RESPONSE' };
}

/**
 * The request names a reported range (same first page, page count and range id); only a range
 * marked IS_MEM_ATTR_UPDATABLE changes, and only its IS_NON_TEE_MEM bit.
 */
function setMmioAttribute(ctx: TdiContext, request: TdispMessageOf<'SET_MMIO_ATTRIBUTE_REQUEST'>): TdispReply {
  const want = request.mmioRange;
  const b = bound(ctx);
  const range = b.report.mmioRanges.find((r) => r.firstPage === want.firstPage && r.numberOfPages === want.numberOfPages && r.rangeId === want.rangeId);
  if (!range || (range.rangeAttributes & MmioRangeAttribute.IS_MEM_ATTR_UPDATABLE) === 0) return failure('INVALID_REQUEST');
  const nonTee = MmioRangeAttribute.IS_NON_TEE_MEM;
  const changed = { ...range, rangeAttributes: (range.rangeAttributes & ~nonTee) | (want.rangeAttributes & nonTee) };
  // A new report, not the old one changed: reports are values (state.ts).
  b.report = { ...b.report, mmioRanges: b.report.mmioRanges.map((r) => (r === range ? changed : r)) };
  return { messageType: 'SET_MMIO_ATTRIBUTE_RESPONSE' };
}

type HandlerTable = { [N in Exclude<TdispRequestType, 'VDM_REQUEST'>]: RequestHandler<N> };

export const requestHandlers: HandlerTable = {
  // Answered in any state and, unlike [E], without re-initialising the interface.
  GET_TDISP_VERSION: { states: ANY_STATE, reads: true, handle: () => ({ messageType: 'TDISP_VERSION', versionNumEntries: [TDISP_VERSION_10] }) },
  GET_TDISP_CAPABILITIES: { states: ANY_STATE, reads: true, handle: (ctx) => capabilities(ctx.model.config.capabilities) },
  LOCK_INTERFACE_REQUEST: { states: ['CONFIG_UNLOCKED'], handle: lock },
  // Only while locked ([R], spec); [E] serves reports in any state, a known deviation.
  GET_DEVICE_INTERFACE_REPORT: { states: LOCKED_STATES, reads: true, handle: report },
  GET_DEVICE_INTERFACE_STATE: { states: ANY_STATE, reads: true, handle: (ctx) => ({ messageType: 'DEVICE_INTERFACE_STATE', tdiState: TdiState[ctx.tdi.state] }) },
  START_INTERFACE_REQUEST: { states: ['CONFIG_LOCKED'], handle: start },
  // Legal in every state (spec; tee-io-validator); [E] refuses it in CONFIG_UNLOCKED.
  STOP_INTERFACE_REQUEST: {
    states: ANY_STATE,
    handle: (ctx) => {
      stopInterface(ctx.tdi);
      return { messageType: 'STOP_INTERFACE_RESPONSE' };
    },
  },
  BIND_P2P_STREAM_REQUEST: { states: ['RUN'], handle: bindP2p },
  UNBIND_P2P_STREAM_REQUEST: { states: ['RUN'], handle: unbindP2p },
  SET_MMIO_ATTRIBUTE_REQUEST: { states: ['RUN'], handle: setMmioAttribute },
};

export const IMPLEMENTED_REQUESTS = Object.keys(requestHandlers) as (keyof HandlerTable)[];
