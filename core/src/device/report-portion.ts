/** One DEVICE_INTERFACE_REPORT answer: a slice of the report and how much follows it. */
export interface ReportPortion {
  portion: Uint8Array;
  remainderLength: number;
}

/**
 * The portion GET_DEVICE_INTERFACE_REPORT(offset, length) asks for, as [E] serves it: length 0
 * or an offset at or past the end is an INVALID_REQUEST (undefined here); otherwise the length is
 * clamped to the device's maximum portion and to what remains, and remainder = size − (offset +
 * portion). offset 0 with length 0xFFFF ([C]: "the whole report") needs no case of its own.
 */
export function reportPortion(report: Uint8Array, offset: number, length: number, maxPortion: number): ReportPortion | undefined {
  if (length === 0 || offset >= report.length) return undefined;
  const size = Math.min(length, maxPortion, report.length - offset);
  return { portion: report.slice(offset, offset + size), remainderLength: report.length - offset - size };
}
