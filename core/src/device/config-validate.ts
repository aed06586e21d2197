import { fromHex, REPORT_PAGE_SIZE, TdispRequestCode } from '../wire/index.js';
import type { BarConfig, DeviceConfig, FunctionConfig, IdeConfig, MsixRegion, TdispCapabilitiesConfig } from './config.js';

/**
 * A configuration no device could have (a VF without its PF, a BAR of 3 KiB). Problems a
 * misconfigured host can cause, such as overlapping BARs, are not refused here: LOCK answers them
 * with INVALID_DEVICE_CONFIGURATION.
 */
export class DeviceConfigError extends Error {
  override readonly name = 'DeviceConfigError';
  constructor(
    readonly path: string,
    readonly detail: string,
  ) {
    super(`${path}: ${detail}`);
  }
}

const PAGE = REPORT_PAGE_SIZE;
const MAX_PAGES = 0xffff_ffffn; // number_of_pages is a u32
const BAR_SLOTS = 6;
/** [E] LIBTDISP_INTERFACE_REPORT_MAX_SIZE; also keeps offsets within GET_DEVICE_INTERFACE_REPORT's u16. */
const MAX_REPORT_SIZE = 0x1000;

function check(ok: boolean, path: string, detail: string): void {
  if (!ok) throw new DeviceConfigError(path, detail);
}

function checkUint(v: number, max: number, path: string): void {
  check(Number.isInteger(v) && v >= 0 && v <= max, path, `${v} is not an integer in 0..${max}`);
}

function checkHex(text: string, path: string): void {
  try {
    fromHex(text, path);
  } catch (e) {
    throw new DeviceConfigError(path, (e as Error).message);
  }
}

const isPowerOfTwo = (v: bigint): boolean => v > 0n && (v & (v - 1n)) === 0n;

/** Whether `bar` (of a valid size) can decode at `address`: aligned to its size, within its 32 or 64 bits. */
export function barCanDecodeAt(bar: BarConfig, address: bigint): boolean {
  const limit = bar.is64Bit ? 1n << 64n : 1n << 32n;
  return address >= 0n && address % bar.size === 0n && address + bar.size <= limit;
}

function checkBar(bar: BarConfig, path: string): void {
  checkUint(bar.index, bar.is64Bit ? BAR_SLOTS - 2 : BAR_SLOTS - 1, `${path}.index`);
  check(isPowerOfTwo(bar.size), `${path}.size`, 'a BAR size is a power of two');
  check((bar.size + PAGE - 1n) / PAGE <= MAX_PAGES, `${path}.size`, 'more pages than number_of_pages can count');
  check(barCanDecodeAt(bar, bar.address), `${path}.address`, `not aligned to the size, or past what a ${bar.is64Bit ? 64 : 32}-bit BAR decodes`);
}

/** BAR slots: a 64-bit BAR also uses the next register, so no other BAR may take it. */
function checkBarSlots(bars: BarConfig[], path: string): void {
  const used = new Set<number>();
  bars.forEach((bar, i) => {
    const slots = bar.is64Bit ? [bar.index, bar.index + 1] : [bar.index];
    for (const s of slots) check(!used.has(s), `${path}[${i}].index`, `BAR register ${s} is already in use`);
    slots.forEach((s) => used.add(s));
  });
}

function checkMsixRegion(fn: FunctionConfig, region: MsixRegion, path: string): void {
  const bar = fn.bars.find((b) => b.index === region.bar);
  check(bar !== undefined, `${path}.bar`, `BAR ${region.bar} does not exist`);
  check(region.size > 0n && region.offset >= 0n && region.offset + region.size <= (bar?.size ?? 0n), path, 'does not fit in its BAR');
}

function checkFunction(config: DeviceConfig, fn: FunctionConfig, path: string): void {
  checkUint(fn.requesterId, 0xffff, `${path}.requesterId`);
  if (fn.pf !== undefined) {
    const pf = config.functions.find((f) => f.requesterId === fn.pf);
    check(pf !== undefined && pf.pf === undefined, `${path}.pf`, 'a VF names a PF of the device');
  }
  fn.bars.forEach((bar, i) => checkBar(bar, `${path}.bars[${i}]`));
  checkBarSlots(fn.bars, `${path}.bars`);
  if (fn.msix) {
    checkMsixRegion(fn, fn.msix.table, `${path}.msix.table`);
    checkMsixRegion(fn, fn.msix.pba, `${path}.msix.pba`);
    check(fn.msix.table.size % 16n === 0n && fn.msix.table.size <= 2048n * 16n, `${path}.msix.table.size`, 'holds 1..2048 16-byte vectors');
  }
  checkUint(fn.interfaceInfo ?? 0, 0xffff, `${path}.interfaceInfo`);
  checkHex(fn.deviceSpecificInfo ?? '', `${path}.deviceSpecificInfo`);
  check(worstReportSize(fn) <= MAX_REPORT_SIZE, path, `its report could exceed ${MAX_REPORT_SIZE} bytes`);
}

/** The report's fixed part, its ranges (each MSI-X structure may split a BAR in up to 2 more), and the device info. */
function worstReportSize(fn: FunctionConfig): number {
  return 20 + 16 * (fn.bars.length + 4) + fromHex(fn.deviceSpecificInfo ?? '').length;
}

function checkFunctions(config: DeviceConfig): void {
  const [dsm] = config.functions;
  check(dsm !== undefined && dsm.pf === undefined && (dsm.requesterId & 0x7) === 0, 'functions[0]', 'the DSM is function 0 of a PF');
  const ids = config.functions.map((f) => f.requesterId);
  check(new Set(ids).size === ids.length, 'functions', 'two functions share a Requester ID');
  config.functions.forEach((fn, i) => checkFunction(config, fn, `functions[${i}]`));
}

/**
 * Only requests with a handler may be advertised. VDM_REQUEST has none: its content is vendor
 * defined and the sources give no behaviour to model.
 */
function checkCapabilities(caps: TdispCapabilitiesConfig, implemented: readonly string[]): void {
  caps.supportedRequests.forEach((r, i) => {
    check(r in TdispRequestCode, `capabilities.supportedRequests[${i}]`, `${r} is not a TDISP request`);
    check(implemented.includes(r), `capabilities.supportedRequests[${i}]`, `the simulated device does not implement ${r}`);
  });
  checkUint(caps.dsmCaps, 0xffff_ffff, 'capabilities.dsmCaps');
  checkUint(caps.lockInterfaceFlagsSupported, 0xffff, 'capabilities.lockInterfaceFlagsSupported');
  checkUint(caps.devAddrWidth, 0xff, 'capabilities.devAddrWidth');
  checkUint(caps.numReqThis, 0xff, 'capabilities.numReqThis');
  checkUint(caps.numReqAll, 0xff, 'capabilities.numReqAll');
}

function checkIde(ide: IdeConfig): void {
  checkUint(ide.maxPortIndex, 0xff, 'ide.maxPortIndex');
  ide.streamIds.forEach((s, i) => checkUint(s, 0xff, `ide.streamIds[${i}]`));
  checkUint(ide.registerBlockDwords, 0xffff, 'ide.registerBlockDwords');
  (ide.secureAtReset ?? []).forEach((s, i) => check(ide.streamIds.includes(s), `ide.secureAtReset[${i}]`, `stream ${s} is not in streamIds`));
}

/** Throws DeviceConfigError at the first thing no real device could have. */
export function validateDeviceConfig(config: DeviceConfig, implementedRequests: readonly string[]): void {
  if (config.segment !== undefined) checkUint(config.segment, 0xff, 'segment');
  checkFunctions(config);
  checkCapabilities(config.capabilities, implementedRequests);
  checkUint(config.maxReportPortion, 0xffff, 'maxReportPortion');
  check(config.maxReportPortion > 0, 'maxReportPortion', 'a portion carries at least one byte');
  checkIde(config.ide);
}
