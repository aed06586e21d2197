import type { TdispErrorName, TdispMessage, TdispMessageOf, TdispRequestType, TdiStateName } from '../wire/index.js';
import type { FunctionConfig } from './config.js';
import type { DeviceModel, FunctionRecord, TdiRecord } from './state.js';

/** A request the device refuses: what its TDISP_ERROR carries. */
export interface TdispFailure {
  readonly failure: TdispErrorName;
  readonly errorData: number;
}

export const failure = (code: TdispErrorName, errorData = 0): TdispFailure => ({ failure: code, errorData });

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A successful answer without its header, which the dispatcher fills in from the request. */
export type TdispResponseBody = DistributiveOmit<Exclude<TdispMessage, { messageType: TdispRequestType | 'TDISP_ERROR' }>, 'version' | 'interfaceId'>;

export type TdispReply = TdispResponseBody | TdispFailure;

export const isFailure = (reply: TdispReply): reply is TdispFailure => 'failure' in reply;

/** The TDI a request addresses, resolved by the dispatcher. */
export interface TdiContext {
  readonly model: DeviceModel;
  readonly key: string;
  readonly fn: FunctionConfig;
  readonly record: FunctionRecord;
  readonly tdi: TdiRecord;
}

/** How the device answers one request type. */
export interface RequestHandler<N extends TdispRequestType> {
  /** The states the request is legal in; any other gives INVALID_INTERFACE_STATE, checked first. */
  readonly states: readonly TdiStateName[];
  /** The handler only reads the TDI's record: the device need not take its own copy (copy-on-write.ts). */
  readonly reads?: true;
  handle(ctx: TdiContext, request: TdispMessageOf<N>): TdispReply;
}
