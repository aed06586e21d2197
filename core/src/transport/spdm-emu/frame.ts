import { SpdmEmuTransportType } from './command.js';

/**
 * One message on an spdm-emu socket, in either direction: command, transport_type and payload
 * size as big-endian u32s (unlike everything inside the payload, which is little-endian), then
 * the payload.
 */
export interface SpdmEmuFrame {
  readonly command: number;
  readonly transportType: number;
  readonly payload: Uint8Array;
}

export const FRAME_HEADER_SIZE = 12;

/**
 * The largest payload accepted by default. The biggest TDISP message is a report portion of
 * 0xffff bytes plus its 20-byte head; 128 KiB leaves room and still refuses a garbage size
 * field before anything is allocated for it.
 */
export const DEFAULT_MAX_PAYLOAD = 0x20000;

/** A frame for the PCI_DOE transport, the one TDISP travels on. */
export function doeFrame(command: number, payload: Uint8Array = new Uint8Array(0)): SpdmEmuFrame {
  return { command, transportType: SpdmEmuTransportType.PCI_DOE, payload };
}

export function encodeSpdmEmuFrame(frame: SpdmEmuFrame): Uint8Array {
  checkU32(frame.command, 'command');
  checkU32(frame.transportType, 'transport_type');
  const out = new Uint8Array(FRAME_HEADER_SIZE + frame.payload.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, frame.command);
  view.setUint32(4, frame.transportType);
  view.setUint32(8, frame.payload.length);
  out.set(frame.payload, FRAME_HEADER_SIZE);
  return out;
}

function checkU32(v: number, field: string): void {
  // DataView would silently wrap an out-of-range value into a different command.
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError(`spdm-emu frame: ${field} ${v} is not a u32`);
}
