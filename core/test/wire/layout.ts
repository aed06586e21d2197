/**
 * The reference's field tables (../shared/reference/tdisp-wire.md §1–§7, DSP0274 VERSION) as
 * byte spans of one concrete message: where each field sits, which reserved fields hold a
 * non-zero value, which fields are lengths and what they promise. It is an oracle written
 * from the spec tables, independent of the codec's declarations, and answers three questions:
 * what a decoder must say about every strict prefix of a message, which reserved-field
 * warnings a lenient decode reports, and where a strict decode stops.
 *
 * Field names are the codec's public naming (the `field` of WireDecodeError and warnings):
 * struct paths joined with '.', array items as `[i]`, a count or length as the counted field's
 * name + `Count` / `Length`.
 */
import type {
  DecodeReason,
  DeviceInterfaceReport,
  DoeDataObject,
  IdeKmMessage,
  KeySubStream,
  MmioRange,
  SpdmMessage,
  TdispMessage,
} from '../../src/wire/index.js';

export interface Span {
  readonly field: string;
  readonly offset: number;
  readonly size: number;
  /** Set when a reserved field (or reserved bits of the field) holds non-zero: the warning's field name. */
  readonly warn?: string;
  /**
   * A length or count: its bytes end at `end`; the decoder compares once `checkAt` bytes are
   * there. `exact`: the length must match the rest of the buffer (DOE length, payload_length,
   * portion_length), so trailing bytes also disagree with it; otherwise only a shortfall does.
   */
  readonly promises?: { readonly end: number; readonly checkAt: number; readonly exact?: boolean };
  /** Runs to the end of the message: a cut inside leaves a valid shorter message when whole `granule`s remain. */
  readonly rest?: { readonly granule: number };
  /** First field of an optional trailing structure: a cut right before it leaves a valid message. */
  readonly optionalStart?: boolean;
}

export interface Layout {
  readonly spans: readonly Span[];
  readonly size: number;
  /** The tag byte a message set dispatches on, if the layer has one. */
  readonly tag?: { readonly field: string; readonly offset: number };
  /** An optional trailing structure is absent: bytes appended would be read as it. */
  readonly endsOpen?: boolean;
}

class Builder {
  readonly spans: Span[] = [];
  at = 0;
  constructor(readonly base = '') {}

  private name(f: string): string {
    return this.base === '' ? f : f.startsWith('[') ? `${this.base}${f}` : `${this.base}.${f}`;
  }

  field(f: string, size: number, extra: Omit<Span, 'field' | 'offset' | 'size' | 'warn'> & { reservedValue?: number | bigint | Uint8Array; warnAs?: string } = {}): this {
    const { reservedValue, warnAs, ...rest } = extra;
    const nonZero = reservedValue !== undefined && (reservedValue instanceof Uint8Array ? reservedValue.some((b) => b !== 0) : reservedValue != 0);
    this.spans.push({ field: this.name(f), offset: this.at, size, ...rest, ...(nonZero ? { warn: this.name(warnAs ?? f) } : {}) });
    this.at += size;
    return this;
  }

  /** A count/length field of `size` bytes promising `payload` bytes right after it. */
  counted(f: string, size: number, payload: number, exact = false): this {
    return this.field(f, size, { promises: { end: this.at + size + payload, checkAt: this.at + size, ...(exact ? { exact } : {}) } });
  }

  rest(f: string, size: number, granule = 1): this {
    return this.field(f, size, { rest: { granule } });
  }

  layout(tag?: Layout['tag'], endsOpen = false): Layout {
    return { spans: this.spans, size: this.at, ...(tag ? { tag } : {}), ...(endsOpen ? { endsOpen } : {}) };
  }
}

// ---- TDISP ----

/** LOCK flags bits 15:5 and range_attributes bits 15:4 are reserved (§5). */
export const LOCK_FLAGS_RESERVED_SHIFT = 5;
export const RANGE_ATTRIBUTES_RESERVED_SHIFT = 4;

function mmioRange(b: Builder, prefix: string, r: MmioRange): void {
  b.field(`${prefix}.firstPage`, 8)
    .field(`${prefix}.numberOfPages`, 4)
    .field(`${prefix}.rangeAttributes`, 2, { reservedValue: r.rangeAttributes >>> RANGE_ATTRIBUTES_RESERVED_SHIFT })
    .field(`${prefix}.rangeId`, 2);
}

function vendorIdAndData(b: Builder, prefix: string, m: { registryId: number; vendorId: Uint8Array }, data: string, dataLength: number, optionalStart = false): void {
  const p = prefix === '' ? '' : `${prefix}.`;
  b.field(`${p}registryId`, 1, { optionalStart })
    .counted(`${p}vendorIdLength`, 1, m.vendorId.length)
    .field(`${p}vendorId`, m.vendorId.length)
    .rest(`${p}${data}`, dataLength);
}

/** §2 header and §3 bodies. */
export function tdispLayout(m: TdispMessage): Layout {
  const b = new Builder();
  const fid = m.interfaceId.functionId;
  b.field('version', 1)
    .field('messageType', 1)
    .field('reserved', 2, { reservedValue: m.reserved })
    .field('interfaceId.functionId', 4, { reservedValue: fid.reserved, warnAs: 'interfaceId.functionId.reserved' })
    .field('interfaceId.reserved', 8, { reservedValue: m.interfaceId.reserved });
  switch (m.messageType) {
    case 'TDISP_VERSION':
      b.counted('versionNumEntriesCount', 1, m.versionNumEntries.length);
      m.versionNumEntries.forEach((_, i) => b.field(`versionNumEntries[${i}]`, 1));
      break;
    case 'GET_TDISP_CAPABILITIES':
      b.field('tsmCaps', 4);
      break;
    case 'TDISP_CAPABILITIES':
      b.field('dsmCaps', 4)
        .field('reqMsgSupported', 16)
        .field('lockInterfaceFlagsSupported', 2)
        .field('bodyReserved', 3, { reservedValue: m.bodyReserved })
        .field('devAddrWidth', 1)
        .field('numReqThis', 1)
        .field('numReqAll', 1);
      break;
    case 'LOCK_INTERFACE_REQUEST':
      b.field('flags', 2, { reservedValue: m.flags >>> LOCK_FLAGS_RESERVED_SHIFT })
        .field('defaultStreamId', 1)
        .field('bodyReserved', 1, { reservedValue: m.bodyReserved })
        .field('mmioReportingOffset', 8)
        .field('bindP2pAddressMask', 8);
      break;
    case 'LOCK_INTERFACE_RESPONSE':
    case 'START_INTERFACE_REQUEST':
      b.field('startInterfaceNonce', 32);
      break;
    case 'GET_DEVICE_INTERFACE_REPORT':
      b.field('offset', 2).field('length', 2);
      break;
    case 'DEVICE_INTERFACE_REPORT':
      // portion_length is compared with what follows once remainder_length is read too.
      b.field('portionLength', 2, { promises: { end: 20 + m.portion.length, checkAt: 20, exact: true } })
        .field('remainderLength', 2)
        .field('portion', m.portion.length);
      break;
    case 'DEVICE_INTERFACE_STATE':
      b.field('tdiState', 1);
      break;
    case 'BIND_P2P_STREAM_REQUEST':
    case 'UNBIND_P2P_STREAM_REQUEST':
      b.field('p2pStreamId', 1);
      break;
    case 'SET_MMIO_ATTRIBUTE_REQUEST':
      mmioRange(b, 'mmioRange', m.mmioRange);
      break;
    case 'VDM_REQUEST':
    case 'VDM_RESPONSE':
      vendorIdAndData(b, '', m, 'vendorData', m.vendorData.length);
      break;
    case 'TDISP_ERROR':
      b.field('errorCode', 4).field('errorData', 4);
      if (m.extendedErrorData) vendorIdAndData(b, 'extendedErrorData', m.extendedErrorData, 'vendorErrData', m.extendedErrorData.vendorErrData.length, true);
      break;
    default:
      break; // header-only messages
  }
  return b.layout({ field: 'messageType', offset: 1 }, m.messageType === 'TDISP_ERROR' && m.extendedErrorData === undefined);
}

/** §5 `pci_tdisp_device_interface_report_struct_t`. */
export function reportLayout(r: DeviceInterfaceReport): Layout {
  const b = new Builder();
  b.field('interfaceInfo', 2)
    .field('reserved', 2, { reservedValue: r.reserved })
    .field('msiXMessageControl', 2)
    .field('lnrControl', 2)
    .field('tphControl', 4)
    .counted('mmioRangesCount', 4, 16 * r.mmioRanges.length);
  r.mmioRanges.forEach((range, i) => mmioRange(b, `mmioRanges[${i}]`, range));
  b.counted('deviceSpecificInfoLength', 4, r.deviceSpecificInfo.length).field('deviceSpecificInfo', r.deviceSpecificInfo.length);
  return b.layout();
}

// ---- IDE_KM (§7) ----

function keySubStream(b: Builder, k: KeySubStream): void {
  b.field('keySubStream', 1, { reservedValue: k.reserved, warnAs: 'keySubStream.reserved' });
}

export function idekmLayout(m: IdeKmMessage): Layout {
  const b = new Builder();
  b.field('objectId', 1);
  switch (m.objectId) {
    case 'QUERY':
      b.field('reserved', 1, { reservedValue: m.reserved }).field('portIndex', 1);
      break;
    case 'QUERY_RESP':
      b.field('reserved', 1, { reservedValue: m.reserved })
        .field('portIndex', 1)
        .field('devFuncNum', 1)
        .field('busNum', 1)
        .field('segment', 1)
        .field('maxPortIndex', 1)
        .rest('ideRegisterBlock', 4 * m.ideRegisterBlock.length, 4);
      break;
    case 'KP_ACK':
      b.field('reserved', 2, { reservedValue: m.reserved }).field('streamId', 1).field('status', 1);
      keySubStream(b, m.keySubStream);
      b.field('portIndex', 1);
      break;
    default:
      b.field('reserved', 2, { reservedValue: m.reserved }).field('streamId', 1).field('reserved2', 1, { reservedValue: m.reserved2 });
      keySubStream(b, m.keySubStream);
      b.field('portIndex', 1);
      if (m.objectId === 'KEY_PROG') b.field('key', 32).field('ifv', 8);
  }
  return b.layout({ field: 'objectId', offset: 0 });
}

// ---- SPDM (§1b, DSP0274) ----

export function spdmLayout(m: SpdmMessage): Layout {
  const b = new Builder();
  b.field('spdmVersion', 1).field('code', 1);
  switch (m.code) {
    case 'GET_VERSION':
      b.field('param1', 1, { reservedValue: m.param1 }).field('param2', 1, { reservedValue: m.param2 });
      break;
    case 'VERSION':
      b.field('param1', 1, { reservedValue: m.param1 })
        .field('param2', 1, { reservedValue: m.param2 })
        .field('reserved', 1, { reservedValue: m.reserved })
        .counted('versionNumberEntriesCount', 1, 2 * m.versionNumberEntries.length);
      m.versionNumberEntries.forEach((_, i) => b.field(`versionNumberEntries[${i}]`, 2));
      break;
    case 'VENDOR_DEFINED_REQUEST':
    case 'VENDOR_DEFINED_RESPONSE': {
      b.field('param1', 1)
        .field('param2', 1, { reservedValue: m.param2 })
        .field('standardId', 2)
        .counted('vendorIdLength', 1, m.vendorId.length)
        .field('vendorId', m.vendorId.length);
      const large = m.spdmVersion >= 0x14 && (m.param1 & 0x80) !== 0;
      if (large) b.field('largeReserved', 2, { reservedValue: m.largeReserved }).counted('payloadLength', 4, 1 + m.payload.length, true);
      else b.counted('payloadLength', 2, 1 + m.payload.length, true);
      b.field('protocolId', 1).rest('payload', m.payload.length);
      break;
    }
    case 'ERROR':
      b.field('errorCode', 1).field('errorData', 1).rest('extendedErrorData', m.extendedErrorData.length);
      break;
  }
  return b.layout({ field: 'code', offset: 1 });
}

// ---- DOE (§1a) ----

export function doeLayout(d: DoeDataObject): Layout {
  const b = new Builder();
  const total = 8 + d.payload.length;
  b.field('vendorId', 2)
    .field('dataObjectType', 1)
    .field('reserved', 1, { reservedValue: d.reserved })
    .field('length', 4, { promises: { end: total, checkAt: 8, exact: true }, reservedValue: d.lengthReserved, warnAs: 'lengthReserved' })
    .rest('payload', d.payload.length);
  return b.layout();
}

export function doeDiscoveryRequestLayout(d: { reserved?: number }): Layout {
  return new Builder().field('index', 1).field('version', 1).field('reserved', 2, { reservedValue: d.reserved }).layout();
}

export function doeDiscoveryResponseLayout(): Layout {
  return new Builder().field('vendorId', 2).field('dataObjectType', 1).field('nextIndex', 1).layout();
}

// ---- The three questions ----

export type Outcome = { readonly ok: true } | { readonly ok: false; readonly reason: DecodeReason; readonly field: string; readonly offset: number };

/** What decoding the first `k` bytes of the message must give (0 <= k < size). */
export function prefixOutcome(layout: Layout, k: number): Outcome {
  if (layout.tag && k <= layout.tag.offset) return { ok: false, reason: 'truncated', field: layout.tag.field, offset: k };
  for (const s of layout.spans) {
    if (k >= s.offset + s.size) {
      if (s.promises && s.promises.checkAt <= k && k < s.promises.end) return { ok: false, reason: 'length-mismatch', field: s.field, offset: s.offset };
      continue;
    }
    if (s.optionalStart && k === s.offset) return { ok: true };
    if (s.rest) return (k - s.offset) % s.rest.granule === 0 ? { ok: true } : { ok: false, reason: 'length-mismatch', field: s.field, offset: s.offset };
    return { ok: false, reason: 'truncated', field: s.field, offset: s.offset };
  }
  return { ok: true };
}

/**
 * What decoding the message followed by `extra` trailing bytes must give, where the layout
 * decides it: an exact length disagrees, else a message that ends in a fixed field is overlong.
 * Undefined where the trailing bytes become part of the message (a field that runs to the end,
 * an optional structure that was absent): then their content decides.
 */
export function overlongOutcome(layout: Layout, extra: number): Outcome | undefined {
  const exact = layout.spans.find((s) => s.promises?.exact);
  if (exact) return { ok: false, reason: 'length-mismatch', field: exact.field, offset: exact.offset };
  const last = layout.spans[layout.spans.length - 1];
  if (layout.endsOpen || last?.rest) return last?.rest?.granule === 4 && extra % 4 !== 0 ? { ok: false, reason: 'length-mismatch', field: last.field, offset: last.offset } : undefined;
  return { ok: false, reason: 'overlong', field: '(end)', offset: layout.size };
}

/** The warnings a lenient decode reports, in byte order, offsets shifted by `base`. */
export function expectedWarnings(layout: Layout, base = 0): { field: string; offset: number }[] {
  return layout.spans.filter((s) => s.warn !== undefined).map((s) => ({ field: s.warn as string, offset: s.offset + base }));
}

/** Where a strict decode must stop: the first non-zero reserved field, if any. */
export function strictOutcome(layout: Layout): Outcome {
  const first = layout.spans.find((s) => s.warn !== undefined);
  return first ? { ok: false, reason: 'reserved', field: first.warn as string, offset: first.offset } : { ok: true };
}
