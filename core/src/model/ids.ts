/**
 * Identities shared by every layer. Functions are named as the kernel's pci_name() prints
 * them, so traces read like dmesg.
 */
import { type InterfaceId, interfaceIdOf } from '../wire/tdisp/interface-id.js';

/** A PCI function: `SSSS:BB:DD.F`. */
export type Bdf = string;
/** A VM (a TD, an SNP guest, a Realm) by the name a scenario gives it. */
export type VmId = string;

/** pci_name() of a requester id in a segment. */
export function bdfOf(requesterId: number, segment = 0): Bdf {
  const hex = (v: number, w: number) => v.toString(16).padStart(w, '0');
  return `${hex(segment, 4)}:${hex(requesterId >> 8, 2)}:${hex((requesterId >> 3) & 0x1f, 2)}.${requesterId & 7}`;
}

const BDF = /^([0-9a-f]{4}):([0-9a-f]{2}):([0-1][0-9a-f])\.([0-7])$/;

/** The requester id and segment of a pci_name(), or undefined when it is not one. */
export function parseBdf(bdf: string): { requesterId: number; segment: number } | undefined {
  const m = BDF.exec(bdf);
  if (!m) return undefined;
  const [, seg, bus, dev, fn] = m as unknown as [string, string, string, string, string];
  const d = parseInt(dev, 16);
  if (d > 0x1f) return undefined;
  return { requesterId: (parseInt(bus, 16) << 8) | (d << 3) | parseInt(fn, 10), segment: parseInt(seg, 16) };
}

/**
 * The TDISP INTERFACE_ID a TSM puts in its requests for the TDI at `tdi`: its requester id, with
 * no segment (every TSM modelled here addresses one segment). Throws on a name that is not a
 * pci_name(): a TDI's name comes from the platform, so a bad one is a bug, not input.
 */
export function interfaceIdOfBdf(tdi: Bdf): InterfaceId {
  const p = parseBdf(tdi);
  if (!p) throw new RangeError(`bad BDF ${tdi}`);
  return interfaceIdOf(p.requesterId);
}
