import type { CheckDefinition, TdiEventName, RequestTemplate, Step, Template } from './check.js';

/**
 * The TDISP responder checks: each holds a responder to one rule (PCIe 6.1 §11.3 as summarised
 * in reference/linux-tsm-core.md §4 and reference/tdisp-wire.md; the case shapes follow
 * intel/tee-io-validator's TdispTestCase plan). A new rule is a new entry here.
 */

// Requests, as the JSON view of their bodies.
const STOP: RequestTemplate = { type: 'STOP_INTERFACE_REQUEST' };
const GET_STATE: RequestTemplate = { type: 'GET_DEVICE_INTERFACE_STATE' };
/** TSM_CAPS 0: no optional TSM capability, which every responder must accept. */
export const GET_CAPABILITIES: RequestTemplate = { type: 'GET_TDISP_CAPABILITIES', body: { tsmCaps: '0x00000000' } };
/** The offset spdm_requester_emu locks with; the sample device's ranges then show whether it was applied. */
const REPORTING_OFFSET = '0xd0000000';
/** No optional LOCK feature: every responder must accept these flags. */
const lock = (mmioReportingOffset = REPORTING_OFFSET): RequestTemplate => ({
  type: 'LOCK_INTERFACE_REQUEST',
  body: { flags: '0x0000', defaultStreamId: '0x00', mmioReportingOffset, bindP2pAddressMask: '0x0' },
});
const start = (startInterfaceNonce: Template): RequestTemplate => ({ type: 'START_INTERFACE_REQUEST', body: { startInterfaceNonce } });
const getReport = (offset: Template, length: Template): RequestTemplate => ({ type: 'GET_DEVICE_INTERFACE_REPORT', body: { offset, length } });
/** Not the LOCK nonce (a responder whose generator yields zeros fails in other ways). */
const WRONG_NONCE = '00'.repeat(32);
const NONCE = { ref: 'nonce' };
const REPORT_SIZE = { ref: 'reportSize' };

// Set-ups: each starts with STOP, legal in every state, to leave whatever the last check did.
const UNLOCKED: readonly Step[] = [{ send: STOP, expect: { stateAfter: 'CONFIG_UNLOCKED' } }];
const LOCKED: readonly Step[] = [...UNLOCKED, { send: lock(), expect: { response: 'LOCK_INTERFACE_RESPONSE' }, capture: { nonce: 'startInterfaceNonce' } }];
const RUNNING: readonly Step[] = [...LOCKED, { send: start(NONCE), expect: { response: 'START_INTERFACE_RESPONSE' } }];
const IN_ERROR: readonly Step[] = [...RUNNING, { event: 'FLR' }, { send: GET_STATE, expect: { fields: { tdiState: { equals: 'ERROR' } } } }];
/** Locked, with the report's size captured from a first small portion. */
const LOCKED_SIZED: readonly Step[] = [...LOCKED, { send: getReport(0, 0x10), expect: { response: 'DEVICE_INTERFACE_REPORT' }, capture: { reportSize: 'reportSize' } }];

const refused = (id: string, rule: string, setup: readonly Step[], request: RequestTemplate, state: CheckDefinition['expect']['stateAfter']): CheckDefinition => ({
  id,
  rule,
  setup,
  request,
  expect: { error: 'INVALID_INTERFACE_STATE', stateAfter: state },
});
const stopIn = (id: string, setup: readonly Step[]): CheckDefinition => ({
  id,
  rule: 'STOP_INTERFACE_REQUEST is legal in every TDI state and returns the TDI to CONFIG_UNLOCKED (linux-tsm-core §4; tee-io-validator 7.1-7.3)',
  setup,
  request: STOP,
  expect: { response: 'STOP_INTERFACE_RESPONSE', stateAfter: 'CONFIG_UNLOCKED' },
});
const errorAfter = (id: string, event: TdiEventName, setup: readonly Step[], what: string): CheckDefinition => ({
  id,
  rule: `${what} sends a CONFIG_LOCKED or RUN TDI to ERROR, and DEVICE_INTERFACE_STATE reports it (linux-tsm-core §4)`,
  setup: [...setup, { event }],
  request: GET_STATE,
  expect: { response: 'DEVICE_INTERFACE_STATE', fields: { tdiState: { equals: 'ERROR' } } },
});

export const TDISP_CHECKS: readonly CheckDefinition[] = [
  {
    id: 'version.reports-1.0',
    rule: 'TDISP_VERSION lists the versions the responder speaks, TDISP 1.0 (0x10) among them (tdisp-wire §3; tee-io-validator 1.1)',
    setup: UNLOCKED,
    request: { type: 'GET_TDISP_VERSION' },
    expect: { response: 'TDISP_VERSION', fields: { versionNumEntries: { includes: '0x10' } } },
  },
  {
    id: 'version.keeps-interface-state',
    rule: 'GET_TDISP_VERSION is answered in every state and changes no TDI state (tdisp-wire §6)',
    setup: LOCKED,
    request: { type: 'GET_TDISP_VERSION' },
    expect: { response: 'TDISP_VERSION', stateAfter: 'CONFIG_LOCKED' },
  },
  {
    id: 'capabilities.reports-requests',
    rule: 'TDISP_CAPABILITIES req_msg_supported sets bit (code - 80h) for each request 81h-87h every responder answers: byte 0 is FEh (PCIe 6.1 §11.3.7, tdisp-wire addendum)',
    setup: UNLOCKED,
    request: GET_CAPABILITIES,
    expect: { response: 'TDISP_CAPABILITIES', fields: { reqMsgSupported: { bitsSet: 'fe' } } },
  },
  {
    id: 'capabilities.dev-addr-width-52',
    rule: 'TDISP_CAPABILITIES DEV_ADDR_WIDTH is at least 52 (intel/tee-io-validator 2.1; not a PCIe 6.1 requirement)',
    advisory: 'intel/tee-io-validator',
    setup: UNLOCKED,
    request: GET_CAPABILITIES,
    expect: { response: 'TDISP_CAPABILITIES', fields: { devAddrWidth: { atLeast: 52 } } },
  },
  {
    id: 'capabilities.num-req-nonzero',
    rule: 'TDISP_CAPABILITIES NUM_REQ_THIS and NUM_REQ_ALL are non-zero (intel/tee-io-validator 2.1; not a PCIe 6.1 requirement)',
    advisory: 'intel/tee-io-validator',
    setup: UNLOCKED,
    request: GET_CAPABILITIES,
    expect: { response: 'TDISP_CAPABILITIES', fields: { numReqThis: { atLeast: 1 }, numReqAll: { atLeast: 1 } } },
  },
  {
    id: 'lock.from-config-unlocked',
    rule: 'LOCK_INTERFACE_REQUEST in CONFIG_UNLOCKED answers LOCK_INTERFACE_RESPONSE and moves the TDI to CONFIG_LOCKED (linux-tsm-core §4)',
    setup: UNLOCKED,
    request: lock(),
    expect: { response: 'LOCK_INTERFACE_RESPONSE', stateAfter: 'CONFIG_LOCKED' },
  },
  refused('lock.refused-in-config-locked', 'LOCK_INTERFACE_REQUEST is legal only in CONFIG_UNLOCKED: in CONFIG_LOCKED it gets INVALID_INTERFACE_STATE and the state stays (linux-tsm-core §4)', LOCKED, lock(), 'CONFIG_LOCKED'),
  refused('lock.refused-in-run', 'LOCK_INTERFACE_REQUEST is legal only in CONFIG_UNLOCKED: in RUN it gets INVALID_INTERFACE_STATE and the state stays (linux-tsm-core §4)', RUNNING, lock(), 'RUN'),
  refused('lock.refused-in-error', 'LOCK_INTERFACE_REQUEST is legal only in CONFIG_UNLOCKED: in ERROR it gets INVALID_INTERFACE_STATE; only STOP leaves ERROR (linux-tsm-core §4)', IN_ERROR, lock(), 'ERROR'),
  {
    id: 'start.wrong-nonce',
    rule: 'START_INTERFACE_REQUEST must echo the LOCK nonce: another nonce gets INVALID_NONCE and the TDI stays CONFIG_LOCKED (tdisp-wire §5)',
    setup: LOCKED,
    request: start(WRONG_NONCE),
    expect: { error: 'INVALID_NONCE', stateAfter: 'CONFIG_LOCKED' },
  },
  {
    id: 'start.lock-nonce',
    rule: 'START_INTERFACE_REQUEST with the LOCK nonce in CONFIG_LOCKED answers START_INTERFACE_RESPONSE and moves the TDI to RUN (tdisp-wire §5)',
    setup: LOCKED,
    request: start(NONCE),
    expect: { response: 'START_INTERFACE_RESPONSE', stateAfter: 'RUN' },
  },
  refused('start.refused-in-config-unlocked', 'START_INTERFACE_REQUEST is legal only in CONFIG_LOCKED: in CONFIG_UNLOCKED it gets INVALID_INTERFACE_STATE (tdisp-wire §6)', UNLOCKED, start(WRONG_NONCE), 'CONFIG_UNLOCKED'),
  refused('start.refused-in-run', 'START_INTERFACE_REQUEST is legal only in CONFIG_LOCKED: in RUN, even with the LOCK nonce, it gets INVALID_INTERFACE_STATE (tdisp-wire §6)', RUNNING, start(NONCE), 'RUN'),
  stopIn('stop.in-config-unlocked', UNLOCKED),
  stopIn('stop.in-config-locked', LOCKED),
  stopIn('stop.in-run', RUNNING),
  stopIn('stop.in-error', IN_ERROR),
  errorAfter('error.after-flr', 'FLR', RUNNING, 'A Function Level Reset'),
  errorAfter('error.after-bme-clear', 'BME_CLEAR', LOCKED, 'Clearing Bus Master Enable'),
  errorAfter('error.after-device-error', 'DEVICE_ERROR', RUNNING, 'An unrecoverable device error'),
  refused('report.refused-in-config-unlocked', 'GET_DEVICE_INTERFACE_REPORT is legal only in CONFIG_LOCKED and RUN: in CONFIG_UNLOCKED it gets INVALID_INTERFACE_STATE (linux-tsm-core §4; tee-io-validator 4.4)', UNLOCKED, getReport(0, 0x40), 'CONFIG_UNLOCKED'),
  refused('report.refused-in-error', 'GET_DEVICE_INTERFACE_REPORT is legal only in CONFIG_LOCKED and RUN: in ERROR it gets INVALID_INTERFACE_STATE (linux-tsm-core §4)', IN_ERROR, getReport(0, 0x40), 'ERROR'),
  {
    id: 'report.first-portion',
    rule: 'GET_DEVICE_INTERFACE_REPORT at offset 0 in CONFIG_LOCKED answers a non-empty portion no longer than asked (tdisp-wire §3; tee-io-validator 4.1)',
    setup: LOCKED,
    request: getReport(0, 0x40),
    expect: { response: 'DEVICE_INTERFACE_REPORT', fields: { portionLength: { atLeast: 1, atMost: 0x40 } }, stateAfter: 'CONFIG_LOCKED' },
  },
  {
    id: 'report.in-run',
    rule: 'GET_DEVICE_INTERFACE_REPORT is answered in RUN and leaves the TDI in RUN (tee-io-validator 4.2)',
    setup: RUNNING,
    request: getReport(0, 0x40),
    expect: { response: 'DEVICE_INTERFACE_REPORT', fields: { portionLength: { atLeast: 1, atMost: 0x40 } }, stateAfter: 'RUN' },
  },
  {
    id: 'report.next-portion',
    rule: 'The next portion starts at the sum of earlier portion_lengths, and offset + portion_length + remainder_length stays the report size (tdisp-wire §3)',
    setup: [...LOCKED, { send: getReport(0, 0x10), expect: { response: 'DEVICE_INTERFACE_REPORT' }, capture: { first: 'portionLength', reportSize: 'reportSize' } }],
    request: getReport({ ref: 'first' }, 0x10),
    expect: { response: 'DEVICE_INTERFACE_REPORT', fields: { portionLength: { atLeast: 1, atMost: 0x10 }, reportSize: { equals: REPORT_SIZE } } },
  },
  {
    id: 'report.length-beyond-report',
    rule: 'A length beyond the report is no error: the portion stops at the end, and the size stays the same (tdisp-wire §3: FFFFh at offset 0 means the whole report)',
    setup: LOCKED_SIZED,
    request: getReport(0, 0xffff),
    expect: { response: 'DEVICE_INTERFACE_REPORT', fields: { portionLength: { atLeast: 1, atMost: REPORT_SIZE }, reportSize: { equals: REPORT_SIZE } } },
  },
  {
    id: 'report.offset-past-end',
    rule: 'GET_DEVICE_INTERFACE_REPORT at an offset at or past the end of the report gets INVALID_REQUEST, state unchanged (tdisp-wire §3; tee-io-validator 4.3)',
    setup: LOCKED_SIZED,
    request: getReport(REPORT_SIZE, 0x40),
    expect: { error: 'INVALID_REQUEST', stateAfter: 'CONFIG_LOCKED' },
  },
  {
    id: 'report.length-zero',
    rule: 'GET_DEVICE_INTERFACE_REPORT with length 0 gets INVALID_REQUEST, state unchanged (tdisp-wire §3)',
    setup: LOCKED,
    request: getReport(0, 0),
    expect: { error: 'INVALID_REQUEST', stateAfter: 'CONFIG_LOCKED' },
  },
  {
    id: 'report.mmio-reporting-offset',
    rule: "Every reported range's first_page includes the LOCK's mmio_reporting_offset (tdisp-wire §5)",
    setup: [...UNLOCKED, { send: lock('0x0'), expect: { response: 'LOCK_INTERFACE_RESPONSE' } }, { readReport: 'unshifted' }, { send: STOP }, { send: lock(), expect: { response: 'LOCK_INTERFACE_RESPONSE' } }],
    request: { readReport: 'shifted' },
    expect: { fields: { mmioRanges: { rangesShiftedBy: { from: { ref: 'unshifted', field: 'mmioRanges' }, pages: '0xd0000' } } } },
  },
  {
    id: 'errors.version-mismatch',
    rule: 'A request whose version the responder does not speak gets VERSION_MISMATCH (tdisp-wire §4)',
    setup: UNLOCKED,
    request: { ...GET_STATE, tamper: { version: 0x20 } },
    expect: { error: 'VERSION_MISMATCH' },
  },
  {
    id: 'errors.unsupported-request',
    rule: 'A message type TDISP does not define gets UNSUPPORTED_REQUEST with error_data = the message type (tdisp-wire §4)',
    setup: UNLOCKED,
    request: { ...GET_STATE, tamper: { messageType: 0x8f } },
    expect: { error: 'UNSUPPORTED_REQUEST', fields: { errorData: { equals: 0x8f } } },
  },
  {
    id: 'errors.request-too-long',
    rule: 'A request longer than its message type defines gets INVALID_REQUEST (tdisp-wire §4)',
    setup: UNLOCKED,
    request: { ...GET_STATE, tamper: { sizeDelta: 1 } },
    expect: { error: 'INVALID_REQUEST' },
  },
  {
    id: 'errors.request-too-short',
    rule: 'A request shorter than its message type defines gets INVALID_REQUEST and changes nothing (tdisp-wire §4)',
    setup: UNLOCKED,
    request: { ...lock(), tamper: { sizeDelta: -1 } },
    expect: { error: 'INVALID_REQUEST', stateAfter: 'CONFIG_UNLOCKED' },
  },
  {
    id: 'errors.unknown-interface',
    rule: 'A request for an INTERFACE_ID the responder does not have gets INVALID_INTERFACE (tdisp-wire §4, §6)',
    setup: UNLOCKED,
    request: { ...GET_STATE, toUnknownInterface: true },
    expect: { error: 'INVALID_INTERFACE' },
  },
  {
    id: 'errors.lock-unknown-interface',
    rule: 'LOCK_INTERFACE_REQUEST for an unknown INTERFACE_ID gets INVALID_INTERFACE and locks nothing (tdisp-wire §4, §6)',
    setup: UNLOCKED,
    request: { ...lock(), toUnknownInterface: true },
    expect: { error: 'INVALID_INTERFACE', stateAfter: 'CONFIG_UNLOCKED' },
  },
];
