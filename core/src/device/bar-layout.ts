import type { DeviceModel } from './state.js';
import { functionKey } from './topology.js';

/** Where one BAR currently decodes: [from, to). */
interface BarWindow {
  fn: string;
  from: bigint;
  to: bigint;
}

function windows(model: DeviceModel): BarWindow[] {
  return model.config.functions.flatMap((fn) => {
    const key = functionKey(fn.requesterId);
    const addresses = model.state.functions[key]?.barAddresses ?? {};
    return fn.bars.map((bar) => {
      const from = addresses[String(bar.index)] ?? bar.address;
      return { fn: key, from, to: from + bar.size };
    });
  });
}

/**
 * Whether a BAR of the TDI at `key`, where the BARs are now, overlaps any other BAR of the
 * device, which would let another function's accesses reach its memory: the spec's
 * "overlapping BARs" case of INVALID_DEVICE_CONFIGURATION.
 */
export function barsOverlap(model: DeviceModel, key: string): boolean {
  const all = windows(model);
  return all.some((own) => own.fn === key && all.some((w) => w !== own && w.from < own.to && own.from < w.to));
}
