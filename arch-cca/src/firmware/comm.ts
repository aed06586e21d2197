import { type FwResult, fail, ok } from '@teeio/core';
import { CCA, type CommStateName } from '../codes.js';
import type { CacheFragment, DaOp, DaRequest } from './state.js';

/** RmiDevCommEnter: what the host puts in the comm page before the call. */
export type CommEnter =
  | { readonly status: 'NONE' }
  | { readonly status: 'RESPONSE'; readonly response: string; readonly carried: string }
  | { readonly status: 'ERROR'; readonly why: string; readonly carried: string };

/** The trace arguments of a communicate: the enter status and the message the host carried since the last one. */
export function enterArgs(enter: CommEnter): { enter: string; carried?: string } {
  return enter.status === 'NONE' ? { enter: enter.status } : { enter: enter.status, carried: enter.carried };
}

/** RmiDevCommExit: a request to send (REQ_SEND), fragments to cache (CACHE_RSP), or the op's end. */
export interface CommExit {
  readonly send?: DaRequest;
  readonly cache: readonly CacheFragment[];
  /** The op finished (successfully or not: the object's state tells, RMI_*_GET_STATE). */
  readonly done: boolean;
}

/** What the DA app does next: yield a request, finish, or fail the op. */
export type DaStep = { readonly send: DaRequest; readonly cache?: CacheFragment[] } | { readonly done: true; readonly cache?: CacheFragment[] } | { readonly error: string };

/** One kind of DA operation: its first step and what it does with each response. */
export interface DaHandler {
  begin(op: DaOp): DaStep;
  resume(op: DaOp, response: string): DaStep;
}

/** A PDEV or VDEV as the DA app sees it. */
export interface CommObject {
  comm: CommStateName;
  op?: DaOp;
}

/** Starts an op on `obj` (pd->op.curr = op): PENDING until the host's first communicate. */
export function startOp(obj: CommObject, name: string): void {
  obj.op = { name, phase: 'begin', ctx: {} };
  obj.comm = 'PENDING';
}

/**
 * One RMI_PDEV_COMMUNICATE / RMI_VDEV_COMMUNICATE: the app runs until it yields a request
 * (el0_app_yield from spdm_send_message) or ends. `done` makes the op's result stick to the
 * object; `failed` puts it in ERROR, with the comm state ERROR until the host aborts.
 */
export function communicate(obj: CommObject, enter: CommEnter, handler: DaHandler, done: (op: DaOp) => void, failed: () => void): FwResult<CommExit> {
  const op = obj.op;
  if (!op || obj.comm === 'IDLE') return fail(CCA.ERROR_DEVICE, 'no operation is pending');
  if (obj.comm === 'ERROR') return fail(CCA.ERROR_DEVICE, `the ${op.name} operation failed: abort it first`);
  let step: DaStep;
  if (obj.comm === 'PENDING') step = handler.begin(op);
  else if (enter.status === 'RESPONSE') step = handler.resume(op, enter.response);
  else if (enter.status === 'ERROR') step = { error: `the host could not carry ${op.request?.label ?? 'the request'}: ${enter.why}` };
  else return fail(CCA.ERROR_INPUT, `${op.request?.label ?? 'a request'} awaits the host's response`);
  if ('send' in step) {
    op.request = step.send;
    op.phase = step.send.label;
    obj.comm = 'ACTIVE';
    return ok({ send: step.send, cache: step.cache ?? [], done: false });
  }
  if ('error' in step) {
    obj.comm = 'ERROR';
    op.phase = step.error;
    delete op.request;
    failed();
    return ok({ cache: [], done: true });
  }
  delete obj.op;
  obj.comm = 'IDLE';
  done(op);
  return ok({ cache: step.cache ?? [], done: true });
}
