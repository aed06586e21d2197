import {
  type TdispErrorName,
  TdispErrorCode,
  type TdispResponder,
  TdispRequestCode,
  TDISP_HEADER_SIZE,
  tdisp,
  tdispHeaderCodec,
  ByteReader,
} from '../../src/index.js';
import { type TdispDevice, withSampleInterfaceContext } from '../../src/device/index.js';

/**
 * Responders that break TDISP rules on purpose: the simulated device behind a wrapper that
 * changes what one kind of request does. Each wrapper breaks exactly the rules its name says.
 */

type Quirk = (request: Uint8Array, device: TdispDevice) => Promise<Uint8Array | undefined>;

/** The device, except where `quirk` answers (a defined result) instead of it. */
function withQuirk(device: TdispDevice, quirk: Quirk): TdispResponder {
  return {
    exchange: async (request) => (await quirk(request, device)) ?? device.exchange(request),
    close: () => device.close(),
  };
}

const typeOf = (request: Uint8Array) => request[1];
/** The state of the TDI the request addresses; undefined for one the device does not have. */
function stateOf(device: TdispDevice, request: Uint8Array): string | undefined {
  const header = tdispHeaderCodec.read(new ByteReader(request, 'tdisp'), '');
  try {
    return device.tdiState(header.interfaceId.functionId.requesterId);
  } catch {
    return undefined;
  }
}

/** The same header with another message type, and no body: STOP, GET_STATE… */
function bare(request: Uint8Array, code: number): Uint8Array {
  const out = request.slice(0, TDISP_HEADER_SIZE);
  out[1] = code;
  return out;
}

function error(request: Uint8Array, code: TdispErrorName): Uint8Array {
  const header = tdispHeaderCodec.read(new ByteReader(request, 'tdisp'), '');
  return tdisp.encode({ version: 0x10, messageType: 'TDISP_ERROR', interfaceId: header.interfaceId, errorCode: TdispErrorCode[code], errorData: 0 });
}

/** Accepts LOCK in CONFIG_LOCKED (it re-locks, with a fresh nonce). */
export function acceptsLockTwice(device: TdispDevice): TdispResponder {
  return withQuirk(device, async (request, d) => {
    if (typeOf(request) !== TdispRequestCode.LOCK_INTERFACE_REQUEST || stateOf(d, request) !== 'CONFIG_LOCKED') return undefined;
    await d.exchange(bare(request, TdispRequestCode.STOP_INTERFACE_REQUEST));
    return d.exchange(request);
  });
}

/** START accepts any nonce: the wrapper swaps in the one the last LOCK handed out. */
export function skipsNonceCheck(device: TdispDevice): TdispResponder {
  let nonce: Uint8Array | undefined;
  return withQuirk(device, async (request, d) => {
    if (typeOf(request) === TdispRequestCode.LOCK_INTERFACE_REQUEST) {
      const response = await d.exchange(request);
      if (response.length === 48) nonce = response.slice(16, 48);
      return response;
    }
    if (typeOf(request) !== TdispRequestCode.START_INTERFACE_REQUEST || !nonce || request.length !== 48) return undefined;
    const honest = request.slice();
    honest.set(nonce, 16);
    return d.exchange(honest);
  });
}

/**
 * Behaves like the DMTF spdm-emu sample where it differs from the spec (fixtures README;
 * tdisp-wire addendum "the [E] sample responder"): its one interface context starts as
 * function_id 0, so a request for another interface gets INVALID_INTERFACE until a
 * GET_TDISP_VERSION for it makes it the context's interface (and re-initialises it); STOP in
 * CONFIG_UNLOCKED is an INVALID_INTERFACE_STATE; reports are served without a state check (never
 * locked: INVALID_REQUEST); and LOCK's mmio_reporting_offset is never added to the report.
 */
export function likeSpdmEmuSample(device: TdispDevice): TdispResponder {
  return withSampleInterfaceContext(withQuirk(device, async (request, d) => {
    switch (typeOf(request)) {
      case TdispRequestCode.STOP_INTERFACE_REQUEST:
        return stateOf(d, request) === 'CONFIG_UNLOCKED' ? error(request, 'INVALID_INTERFACE_STATE') : undefined;
      case TdispRequestCode.GET_DEVICE_INTERFACE_REPORT:
        return stateOf(d, request) === 'CONFIG_UNLOCKED' ? error(request, 'INVALID_REQUEST') : undefined;
      case TdispRequestCode.LOCK_INTERFACE_REQUEST: {
        if (request.length !== 36) return undefined;
        const unshifted = request.slice();
        unshifted.fill(0, 20, 28);
        return d.exchange(unshifted);
      }
      default:
        return undefined;
    }
  }));
}
