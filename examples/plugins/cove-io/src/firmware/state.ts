import type { Bdf, VmId } from '@teeio/core';

/** A TEE MMIO range as plain data: addresses as hex text, so the state hashes and clones. */
export interface RangeRecord {
  rangeIndex: number;
  rangeId: number;
  gpa: string;
  hpa: string;
  pages: number;
}

/** An interface (TDI) the TSM holds for a TVM. */
export interface InterfaceRecord {
  vm: VmId;
  guestRid: number;
  /** TDISP state as the TSM last drove it. */
  state: 'LOCKED' | 'RUN' | 'UNLOCKED';
  /** START_INTERFACE_NONCE of the last LOCK (hex): the evidence's freshness. */
  nonce: string;
  /** The interface report read after LOCK (hex). */
  report: string;
  /** The report's TEE ranges, as the TVM places them. */
  ranges: RangeRecord[];
  /** Evidence made obtainable by the TVM (attestation.register). */
  evidence: boolean;
}

/** A range the host put in the TVM's stage 2; `accepted` once the TVM's map_interface_mmio took it. */
export interface MappingRecord extends RangeRecord {
  vm: VmId;
  tdi: Bdf;
  accepted: boolean;
}

/** The trusted DMA context of an interface in the IOMMU the TSM owns. */
export interface DmaContextRecord {
  vm: VmId;
  tdi: Bdf;
  enabled: boolean;
}

/**
 * What the CoVE-IO TSM keeps, as plain data: the core snapshots, restores and hashes it, so it
 * holds no class instances, Maps, functions or bigints.
 */
export interface FirmwareModelState {
  vms: VmId[];
  viommus: VmId[];
  /** Devices (function 0) with a secure session. */
  sessions: Bdf[];
  /** IDE streams programmed between the root port and a device (COVT keys). */
  streams: { dsm: Bdf; streamId: number }[];
  /** Interfaces with MMIO regions added for a TVM (add_tvm_interface_region), before bind. */
  regions: Record<Bdf, VmId>;
  /** Bound interfaces. */
  tdis: Record<Bdf, InterfaceRecord>;
  mappings: MappingRecord[];
  dma: DmaContextRecord[];
}

export const initialState = (): FirmwareModelState => ({ vms: [], viommus: [], sessions: [], streams: [], regions: {}, tdis: {}, mappings: [], dma: [] });
