import type { TdispResponder } from './responder.js';
import { TdispErrorCode, TdispRequestCode, TDISP_HEADER_SIZE, ByteReader, tdisp, tdispHeaderCodec } from '../wire/index.js';

/**
 * The DMTF spdm-emu sample's one interface context (tdisp-wire addendum "the [E] sample
 * responder"): it starts as function_id 0, a request for any other interface gets
 * INVALID_INTERFACE, and GET_TDISP_VERSION for an interface makes it the context's interface
 * and re-initialises it (the TDI back to CONFIG_UNLOCKED). A requester must therefore send
 * GET_TDISP_VERSION for its interface first, as spdm_requester_emu does.
 */
export function withSampleInterfaceContext(device: TdispResponder): TdispResponder {
  let context = 0;
  return {
    ...(device.doe === undefined ? {} : { doe: device.doe }),
    async exchange(request) {
      const header = tdispHeaderCodec.read(new ByteReader(request, 'tdisp'), '');
      const functionId = header.interfaceId.functionId.requesterId;
      if (request[1] === TdispRequestCode.GET_TDISP_VERSION) {
        context = functionId;
        await device.exchange(withType(request, TdispRequestCode.STOP_INTERFACE_REQUEST));
        return device.exchange(request);
      }
      if (functionId !== context) {
        return tdisp.encode({ version: 0x10, messageType: 'TDISP_ERROR', interfaceId: header.interfaceId, errorCode: TdispErrorCode.INVALID_INTERFACE, errorData: 0 });
      }
      return device.exchange(request);
    },
    close: () => device.close(),
  };
}

/** The same header with another message type and no body (STOP has none). */
function withType(request: Uint8Array, code: number): Uint8Array {
  const out = request.slice(0, TDISP_HEADER_SIZE);
  out[1] = code;
  return out;
}
