import { type TdispMessageOf } from '../wire/index.js';
import { barsOverlap } from './bar-layout.js';
import { isSecure, streamKey, TDI_IDE_PORT } from './ide-keys.js';
import { drawNonce } from './nonce.js';
import { buildReport } from './report-builder.js';
import { failure, type TdiContext, type TdispReply } from './request-handler.js';
import { lockInterface } from './tdi-state-machine.js';

/**
 * LOCK_INTERFACE_REQUEST in CONFIG_UNLOCKED (the table checks the state). The checks run from
 * the request's own fields to the device's condition, and the nonce is drawn last so a refused
 * LOCK consumes no randomness.
 */
export function lock(ctx: TdiContext, request: TdispMessageOf<'LOCK_INTERFACE_REQUEST'>): TdispReply {
  const { model } = ctx;
  // Flags the device does not support, reserved bits 15:5 included, make a request it cannot honour.
  if ((request.flags & ~model.config.capabilities.lockInterfaceFlagsSupported) !== 0) return failure('INVALID_REQUEST');
  // intel/tee-io-validator: LOCK without the IDE keys programmed is INVALID_REQUEST and the TDI
  // stays CONFIG_UNLOCKED; [C] maps its driver's IDE_NOT_SECURE to INVALID_REQUEST too.
  if (!isSecure(model.state.ide[streamKey(TDI_IDE_PORT, request.defaultStreamId)])) return failure('INVALID_REQUEST');
  if (barsOverlap(model, ctx.key)) return failure('INVALID_DEVICE_CONFIGURATION');
  const startInterfaceNonce = drawNonce(model.state);
  if (!startInterfaceNonce) return failure('INSUFFICIENT_ENTROPY');
  lockInterface(ctx.tdi, {
    flags: request.flags,
    defaultStreamId: request.defaultStreamId,
    mmioReportingOffset: request.mmioReportingOffset,
    bindP2pAddressMask: request.bindP2pAddressMask,
    report: buildReport(ctx.fn, ctx.record.barAddresses, request),
    startInterfaceNonce,
    p2pStreams: [],
  });
  model.locks.noteLock(ctx.key);
  return { messageType: 'LOCK_INTERFACE_RESPONSE', startInterfaceNonce };
}
