import type { TdispResponder } from '../device/responder.js';
import { type InterfaceId, interfaceIdOf } from '../wire/index.js';
import type { TdiEventName } from './check.js';

/** The responder under validation, and what the checks need to know about it. */
export interface ValidationTarget {
  readonly responder: TdispResponder;
  /** The TDI every check addresses. */
  readonly interfaceId: InterfaceId;
  /** An INTERFACE_ID the responder does not have, for the INVALID_INTERFACE checks. */
  readonly unknownInterfaceId: InterfaceId;
  /**
   * Tells the device of an event. Absent for a peer: TDISP has no message for it, so checks that
   * need one do not apply.
   */
  readonly signal?: (event: TdiEventName) => void | Promise<void>;
}

/** A responder reached through TDISP alone: no device events. */
export function peerTarget(responder: TdispResponder, interfaceId: InterfaceId): ValidationTarget {
  return { responder, interfaceId, unknownInterfaceId: unknownInterfaceNear(interfaceId) };
}

/**
 * An INTERFACE_ID a responder will not have: the same device and function on bus ~bus. Devices
 * sit on one bus (or a few adjacent ones), never on a bus and its complement at once.
 */
export function unknownInterfaceNear(id: InterfaceId): InterfaceId {
  const { requesterId, segment, segmentValid } = id.functionId;
  return interfaceIdOf(requesterId ^ 0xff00, segmentValid ? segment : undefined);
}
