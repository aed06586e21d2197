import {
  WireDecodeError,
  decodeDeviceInterfaceReport,
  deviceInterfaceReportCodec,
  tdisp,
  toHex,
} from '../wire/index.js';
import type { CheckDefinition, Expectation, ReadReportStep, RequestTemplate, Step, Template } from './check.js';
import { GET_CAPABILITIES } from './checks.js';
import type { Exchange } from './exchange.js';
import { problemsWith } from './expect.js';
import type { CheckOutcome } from './outcome.js';
import { buildRequest } from './request.js';
import type { ValidationTarget } from './target.js';

/** Portion length asked for when reading a whole report (as intel/tee-io-validator does). */
const REPORT_READ_LENGTH = 0x400;
/** OFFSET is a u16: a report that needs more is itself broken. */
const MAX_REPORT_OFFSET = 0xffff;

/**
 * How every set-up begins: as a real requester does, GET_TDISP_VERSION for the interface, then
 * its capabilities, each answered as asked. The [E] sample knows an interface only after a
 * GET_TDISP_VERSION for it, and refuses everything else with INVALID_INTERFACE (tdisp-wire
 * addendum "the [E] sample responder").
 */
const REQUESTER_OPENING: readonly Step[] = [
  { send: { type: 'GET_TDISP_VERSION' }, expect: { response: 'TDISP_VERSION' } },
  { send: GET_CAPABILITIES, expect: { response: 'TDISP_CAPABILITIES' } },
];

/** A check stops at the first step that misses its expectation; this carries where and why. */
class CheckFailure extends Error {
  constructor(
    readonly where: string,
    readonly problems: readonly string[],
    readonly exchange?: { request: string; response: string },
  ) {
    super(`${where}: ${problems.join('; ')}`);
  }
}

/** A run a transport error ended: the outcomes of the checks run before it, and the error. */
export class RunInterrupted extends Error {
  constructor(
    readonly outcomes: readonly CheckOutcome[],
    override readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

/**
 * Runs `checks` against `target`, one after another (each starts by bringing the TDI where it
 * needs it). Transport errors are not check failures: they end the run, as a RunInterrupted.
 */
export async function runChecks(target: ValidationTarget, checks: readonly CheckDefinition[]): Promise<CheckOutcome[]> {
  const outcomes: CheckOutcome[] = [];
  for (const check of checks) {
    try {
      outcomes.push(await runCheck(target, check));
    } catch (e) {
      throw new RunInterrupted(outcomes, e);
    }
  }
  return outcomes;
}

export async function runCheck(target: ValidationTarget, check: CheckDefinition): Promise<CheckOutcome> {
  const { id, rule } = check;
  if (target.signal === undefined && [...check.setup, check.request].some((s) => 'event' in s)) {
    return { id, rule, status: 'not-applicable', reason: 'needs a device event, and a peer can be told of none' };
  }
  const run = new CheckRun(target);
  try {
    for (const [i, step] of [...REQUESTER_OPENING, ...check.setup].entries()) await run.step(step, `set-up step ${i + 1}`);
  } catch (e) {
    return failed(check, e, { status: 'fail' });
  }
  try {
    await run.test(check.request, check.expect);
    return { id, rule, status: 'pass' };
  } catch (e) {
    return failed(check, e, check.advisory === undefined ? { status: 'fail' } : { status: 'advisory', source: check.advisory });
  }
}

/** A CheckFailure as the check's outcome; anything else (a transport error) ends the run. */
function failed(check: CheckDefinition, e: unknown, missed: Pick<CheckOutcome, 'status' | 'source'>): CheckOutcome {
  if (!(e instanceof CheckFailure)) throw e;
  return { id: check.id, rule: check.rule, ...missed, reason: e.message, ...e.exchange };
}

/** The state of one check being run: the values its steps captured. */
class CheckRun {
  private readonly captures = new Map<string, unknown>();

  constructor(private readonly target: ValidationTarget) {}

  async step(step: Step, where: string): Promise<void> {
    if ('event' in step) return this.target.signal?.(step.event);
    if ('readReport' in step) {
      this.captures.set(step.readReport, (await this.readReport(where)).view);
      return;
    }
    const exchange = await this.send(step.send, `${where} (${step.send.type})`);
    if (step.expect) await this.verify(exchange, step.expect, `${where} (${step.send.type})`);
    for (const [name, field] of Object.entries(step.capture ?? {})) {
      if (exchange.view[field] === undefined) throw new CheckFailure(where, [`${field} to capture as ${name} is absent`], hexOf(exchange));
      this.captures.set(name, exchange.view[field]);
    }
  }

  /** The request under test and its expectation. */
  async test(request: RequestTemplate | ReadReportStep, expectation: Expectation): Promise<void> {
    const where = 'readReport' in request ? 'request (whole report)' : `request (${request.type})`;
    const exchange = 'readReport' in request ? await this.readReport(where) : await this.send(request, where);
    await this.verify(exchange, expectation, where);
  }

  private async send(template: RequestTemplate, where: string): Promise<Exchange> {
    const interfaceId = template.toUnknownInterface ? this.target.unknownInterfaceId : this.target.interfaceId;
    const request = buildRequest(template, this.resolve(template.body ?? {}) as Record<string, unknown>, interfaceId);
    const response = await this.target.responder.exchange(request.bytes);
    let view: Record<string, unknown>;
    try {
      view = tdisp.toJson(tdisp.decode(response).message) as Record<string, unknown>;
    } catch (e) {
      if (!(e instanceof WireDecodeError)) throw e;
      throw new CheckFailure(where, [`the response does not decode: ${e.message}`], { request: toHex(request.bytes), response: toHex(response) });
    }
    const m = request.message;
    if (m.messageType === 'GET_DEVICE_INTERFACE_REPORT' && view['messageType'] === 'DEVICE_INTERFACE_REPORT') {
      view['reportSize'] = m.offset + Number(view['portionLength']) + Number(view['remainderLength']);
    }
    return { request, response, view };
  }

  private async verify(exchange: Exchange, expectation: Expectation, where: string): Promise<void> {
    const problems = problemsWith(exchange, expectation, (t) => this.resolve(t));
    if (problems.length > 0) throw new CheckFailure(where, problems, hexOf(exchange));
    if (expectation.stateAfter !== undefined) await this.expectState(expectation.stateAfter, where);
  }

  private async expectState(state: string, after: string): Promise<void> {
    const where = `state after ${after}`;
    const exchange = await this.send({ type: 'GET_DEVICE_INTERFACE_STATE' }, where);
    const problems = problemsWith(exchange, { response: 'DEVICE_INTERFACE_STATE', fields: { tdiState: { equals: state } } }, (t) => t);
    if (problems.length > 0) throw new CheckFailure(where, problems, hexOf(exchange));
  }

  /**
   * Reads the report of the interface under test portion by portion, checking each portion.
   * The result pairs the last portion's exchange with the whole report's JSON view.
   */
  private async readReport(where: string): Promise<Exchange> {
    const parts: Uint8Array[] = [];
    let offset = 0;
    let size: number | undefined;
    for (;;) {
      const exchange = await this.send({ type: 'GET_DEVICE_INTERFACE_REPORT', body: { offset, length: REPORT_READ_LENGTH } }, `${where} at offset ${offset}`);
      const fields = { portionLength: { atLeast: 1, atMost: REPORT_READ_LENGTH }, ...(size === undefined ? {} : { reportSize: { equals: size } }) };
      const problems = problemsWith(exchange, { response: 'DEVICE_INTERFACE_REPORT', fields }, (t) => t);
      if (problems.length > 0) throw new CheckFailure(`${where} at offset ${offset}`, problems, hexOf(exchange));
      parts.push(fromHexView(exchange.view['portion']));
      size = exchange.view['reportSize'] as number;
      offset += exchange.view['portionLength'] as number;
      if (offset >= size) return this.decodeReport(parts, exchange, where);
      if (offset > MAX_REPORT_OFFSET) throw new CheckFailure(where, [`the report (${size} bytes) does not fit a u16 OFFSET`], hexOf(exchange));
    }
  }

  private decodeReport(parts: readonly Uint8Array[], last: Exchange, where: string): Exchange {
    const bytes = Buffer.concat(parts);
    try {
      return { ...last, view: deviceInterfaceReportCodec.toJson(decodeDeviceInterfaceReport(bytes).message) as Record<string, unknown> };
    } catch (e) {
      if (!(e instanceof WireDecodeError)) throw e;
      throw new CheckFailure(where, [`the report (${toHex(bytes)}) does not decode: ${e.message}`], hexOf(last));
    }
  }

  /** A template with every Ref replaced by its captured value. */
  private resolve(t: Template): unknown {
    if (Array.isArray(t)) return t.map((x: Template) => this.resolve(x));
    if (typeof t !== 'object') return t;
    if ('ref' in t && typeof t.ref === 'string') {
      if (!this.captures.has(t.ref)) throw new Error(`check definition: nothing was captured as ${t.ref}`);
      const value = this.captures.get(t.ref);
      return typeof t.field === 'string' ? (value as Record<string, unknown>)[t.field] : value;
    }
    return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, this.resolve(v as Template)]));
  }
}

function hexOf(x: Exchange): { request: string; response: string } {
  return { request: toHex(x.request.bytes), response: toHex(x.response) };
}

function fromHexView(v: unknown): Uint8Array {
  return Buffer.from(String(v), 'hex');
}
