import type { TdiStateName, TdispErrorName, TdispRequestType, TdispResponseType } from '../wire/index.js';

/**
 * The language responder checks are written in: plain data, so a new TDISP rule is a new entry
 * in the suite, not new code. Requests and responses are described by their JSON view (what
 * `teeio tdisp decode` prints and `teeio tdisp encode` reads).
 */

/** A value captured earlier in the same check, by the name its capture gave it; or one field of it. */
export interface Ref {
  readonly ref: string;
  readonly field?: string;
}

/** A JSON-view value, any part of which may be a Ref. */
export type Template = string | number | boolean | Ref | readonly Template[] | { readonly [field: string]: Template };

/** Damage done to an encoded request: malformed requests the codec refuses to build. */
export interface Tamper {
  /** Overwrites the version byte. */
  readonly version?: number;
  /** Overwrites the message type byte. */
  readonly messageType?: number;
  /** Appends zero bytes (positive) or drops trailing bytes (negative). */
  readonly sizeDelta?: number;
}

export interface RequestTemplate {
  readonly type: TdispRequestType;
  /** Body fields in the message's JSON view; the header is filled in. */
  readonly body?: { readonly [field: string]: Template };
  /** Address an INTERFACE_ID the responder does not have instead of the one under test. */
  readonly toUnknownInterface?: boolean;
  readonly tamper?: Tamper;
}

/**
 * What one field must satisfy; every given relation must hold. Numbers compare as numbers
 * whether written as 64 or "0x40"; byte strings ("fe00…") compare bytewise.
 */
export interface Comparison {
  readonly equals?: Template;
  readonly atLeast?: Template;
  readonly atMost?: Template;
  /** An array field holds an element equal to this. */
  readonly includes?: Template;
  /** Every bit set in this mask (a number, or bytes as hex) is set in the field. */
  readonly bitsSet?: Template;
  /**
   * The field is a report's mmioRanges, and each range's first_page is the first_page of the same
   * range in the captured report `from`, plus `pages`.
   */
  readonly rangesShiftedBy?: { readonly from: Ref; readonly pages: Template };
}

export interface Expectation {
  /** The response message type. */
  readonly response?: TdispResponseType;
  /** Shorthand: a TDISP_ERROR with this error_code. */
  readonly error?: TdispErrorName;
  /**
   * Fields of the response's JSON view. A DEVICE_INTERFACE_REPORT answering a report request also
   * has `reportSize`: offset + portion_length + remainder_length, which must not change.
   */
  readonly fields?: { readonly [field: string]: Comparison };
  /** What GET_DEVICE_INTERFACE_STATE reports right after. */
  readonly stateAfter?: TdiStateName;
}

/** Sends a request; checks the response when `expect` is given; keeps response fields by name. */
export interface SendStep {
  readonly send: RequestTemplate;
  readonly expect?: Expectation;
  /** Capture name → response field (JSON view, including `reportSize`). */
  readonly capture?: { readonly [name: string]: string };
}

/** Reads the whole report in portions and keeps its JSON view by name. */
export interface ReadReportStep {
  readonly readReport: string;
}

/** Tells the device of an event. A check with one does not apply to a responder that cannot be told. */
export interface EventStep {
  readonly event: TdiEventName;
}

export type Step = SendStep | ReadReportStep | EventStep;

/**
 * Events of the TDI under test a target may be told of (the simulated device's DeviceEvent kinds
 * that name a function); each sends a locked TDI to ERROR (linux-tsm-core §4).
 */
export type TdiEventName = 'FLR' | 'BME_CLEAR' | 'MSE_CLEAR' | 'DEVICE_ERROR';

export interface CheckDefinition {
  /** Stable and unique: `area.what`, e.g. `lock.refused-in-config-locked`. */
  readonly id: string;
  /** The TDISP rule the check holds the responder to, with its source. */
  readonly rule: string;
  /**
   * Set when the rule is another test plan's expectation rather than the spec's: the plan that
   * asks for it. Missing it is then an advisory, not a failure (unless the run is strict).
   */
  readonly advisory?: string;
  /** Brings the responder where the check starts; a step that misses its expectation fails the check. */
  readonly setup: readonly Step[];
  /** The request under test: a send, or reading the whole report. */
  readonly request: RequestTemplate | ReadReportStep;
  readonly expect: Expectation;
}
