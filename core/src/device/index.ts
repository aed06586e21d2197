// The simulated TDISP device. responder.ts (the TdispResponder contract) is exported by the core index itself.
export * from './config.js';
export { DeviceConfigError } from './config-validate.js';
export { TdispDevice, TdispTransportError } from './device.js';
export { DoeMailbox, type DoeFailureReason, type DoeResult } from './doe-mailbox.js';
export { type DeviceEvent, type DeviceEventKind } from './events.js';
export { TDI_IDE_PORT, type IdeKeyState, type IdeStreamKeys, type IdeSubStreamKeys, type IdeSubStreamSlot } from './ide-keys.js';
export { DEVICE_PRESETS, type DevicePresetName, defaultDevice, spdmEmuSample } from './presets.js';
export { type DeviceSnapshot } from './snapshot.js';
export { withSampleInterfaceContext } from './spdm-emu-sample-context.js';
export { type BoundInterface, type DeviceState, type FunctionRecord, type TdiRecord } from './state.js';
export { buildReport, type ReportLock } from './report-builder.js';
export { reportPortion, type ReportPortion } from './report-portion.js';
export { IMPLEMENTED_REQUESTS, reqMsgSupported } from './tdisp-requests.js';
export { functionKey } from './topology.js';
