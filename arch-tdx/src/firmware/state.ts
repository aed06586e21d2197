import type { Bdf, TdiStateName, VmId } from '@teeio/core';

/**
 * The TDX module's state as plain data (FIRMWARE_STATE): what the module holds in its own
 * metadata (TDR/TDCS, SPDM info, IDE stream info, DEVIFCS, MMIOMT, S-EPT, DMAR tables). Field
 * names follow [MOD] where it names them (tdisp_sts, out_tdisp_req, dmar_mapped_flag, mapped).
 * Addresses are hex strings so the state clones and hashes canonically.
 */

/** A message the module asks the host to carry to the device's DOE mailbox (the request page). */
export interface RelayRequest {
  /** What the payload is: a DOE Discovery request DW, or a TDISP / IDE_KM message in an SPDM VDM. */
  readonly protocol: 'DOE_DISCOVERY' | 'TDISP' | 'IDE_KM';
  /** The function the message is for: the DSM for DOE Discovery and IDE_KM, the TDI for TDISP. */
  readonly target: Bdf;
  /** The payload, hex. */
  readonly message: string;
}

/** A trusted IOMMU (DRHD) TDH.IOMMU.SETUP has taken over. */
export interface IommuState {
  readonly vtbar: string;
  readonly iommuId: number;
}

/** An SPDM object (TDH.SPDM.CREATE) and its session (TDH.SPDM.CONNECT). */
export interface SpdmState {
  readonly spdmId: number;
  /** func_id: the DSM's BDF. */
  readonly dsm: Bdf;
  readonly iommuId: number;
  state: 'CREATED' | 'CONNECTED';
  /** Secured messages since the last key update (the key-refresh policy counts them). */
  messages: number;
  keyUpdates: number;
  /** Device information collected over the session: certificate chain and measurements, hex. */
  devInfo?: { certificates: string; measurements: string; maxPortIndex: number };
}

/** A selective IDE stream between the root port and a DSM (TDH.IDE.STREAM.CREATE). */
export interface IdeStreamState {
  /** The module's handle (stream_id of TDH.IDE.STREAM.CREATE). */
  readonly handle: number;
  readonly dsm: Bdf;
  readonly spdmId: number;
  /** The IDE Stream ID programmed into the root port and the device. */
  readonly ideStreamId: number;
  readonly rpIdeId: number;
  /** TDH.IDE.STREAM.KM(SETUP) programmed keys on both sides and enabled the stream. */
  keyed: boolean;
  /** TDH.IDE.STREAM.BLOCK cleared the root port side ("stream_block"). */
  blocked: boolean;
}

/** One MMIOMT entry: MMIO declared owned by a DEVIF (TDH.MMIO.MT.SET). */
export interface MmioMtEntry {
  readonly hpa: string;
  readonly pages: number;
  /** Index and id of the report range it is. */
  readonly rangeIndex: number;
  readonly rangeId: number;
  /** An S-EPT leaf maps it ([MOD] mmiomt data.mapped). */
  mapped: boolean;
}

/** A DEVIF (TDI) context, DEVIFCS. */
export interface DevifState {
  /** devif_id: the host BDF ("Bind for TDX doesn't require vBDF or vIOMMU ID"). */
  readonly tdi: Bdf;
  readonly dsm: Bdf;
  readonly spdmId: number;
  readonly streamHandle: number;
  /** The owner TD (tdr_pa), by VM name. */
  readonly td: VmId;
  /** The TDISP state as the module knows it (tdisp_sts): from its own requests' responses. */
  tdispSts: TdiStateName;
  /** A TDISP request awaits its response (out_tdisp_req), and who generated it. */
  outstanding?: { type: string; fromTd: boolean; request: RelayRequest };
  /** A TD-generated request the TD asked for with TDG.DEVIF.REQUEST (td_tdisp_req_sts REQUESTED). */
  tdRequested?: string;
  /** The START_INTERFACE nonce from LOCK, hex; START consumes it, STOP scrubs it. */
  nonce?: string;
  /** Increments at every LOCK, module-wide: what TDG.TDI.START's exp_bind_session names. */
  bindSession: number;
  /** The guest authorised START for this bind session (TDG.TDI.START). */
  startAuthorised?: number;
  /** The interface report as read from the device, hex, and whether all of it arrived. */
  report: string;
  reportComplete: boolean;
  mmiomt: MmioMtEntry[];
  /** TDG.DMAR.ACCEPT made the trusted context present ([MOD] dmar_mapped_flag). */
  dmarMapped: boolean;
  /** The attestation information the guest verifies: blobs (hex) whose hashes TDG.TDI.RD returns. */
  attestation?: { certificates: string; measurements: string };
}

/** An S-EPT leaf mapping private MMIO. */
export interface SeptMmioLeaf {
  readonly gpa: string;
  readonly hpa: string;
  readonly pages: number;
  readonly tdi: Bdf;
  readonly rangeIndex: number;
  readonly rangeId: number;
  state: 'MMIO_PENDING' | 'MMIO_MAPPED' | 'MMIO_BLOCKED';
  /** The TD's TLB epoch when it was blocked; TDH.MEM.TRACK must have moved past it. */
  blockEpoch?: number;
  /** The guest converted the GPA to shared (MapGPA): it no longer uses it as private MMIO. */
  releasedByGuest?: boolean;
}

/** A TD: TDR and TDCS, and its S-EPT's MMIO leaves by GPA. */
export interface TdState {
  readonly vm: VmId;
  readonly tdr: string;
  readonly hkid: number;
  keyFreed: boolean;
  /** TLB tracking epoch (TDH.MEM.TRACK). */
  epoch: number;
  mmio: Record<string, SeptMmioLeaf>;
}

/** A trusted DMA context (context and PASID table entries) the module specifies for a TDI. */
export interface DmarState {
  readonly tdi: Bdf;
  readonly td: VmId;
  /** PENDING: built by TDH.DMAR.ADD, not present; PRESENT: the guest accepted it; BLOCKED by the host. */
  state: 'PENDING' | 'PRESENT' | 'BLOCKED';
  /** Second-level table pointer: the TD's S-EPT root (one table for CPU and DMA). */
  slptr?: string;
  /** Domain ID: the reserved top bit set by the module, OR the TD's HKID. */
  did?: number;
  /** The IOTLB invalidation after the last change is done (TDH.IQINV.*). */
  invalidated: boolean;
}

/** The extension call in flight: serialised, resumed after each relayed DOE exchange. */
export interface InFlightCall {
  readonly op: string;
  /** The object it works on (spdm_id, stream handle, TDI). */
  readonly key: string;
  /** Where the call is, and what it has learnt so far. */
  phase: string;
  ctx: Record<string, string | number>;
  request: RelayRequest;
}

export interface TdxState {
  iommus: IommuState[];
  spdm: Record<string, SpdmState>;
  streams: Record<string, IdeStreamState>;
  tds: Record<VmId, TdState>;
  devifs: Record<Bdf, DevifState>;
  dmar: Record<Bdf, DmarState>;
  inFlight?: InFlightCall;
  next: { spdmId: number; streamHandle: number; hkid: number; bindSession: number; tdr: number };
  /**
   * The guest's TDX Connect driver's memory (not the module's): the bind session it read with
   * TDG.TDI.RD, which it names in TDG.TDI.START. Kept here so the run's state is one document.
   */
  guest: Record<string, { bindSession: number }>;
}

export function initialTdxState(): TdxState {
  return {
    iommus: [],
    spdm: {},
    streams: {},
    tds: {},
    devifs: {},
    dmar: {},
    next: { spdmId: 1, streamHandle: 1, hkid: 0x10, bindSession: 1, tdr: 0x4_0000 },
    guest: {},
  };
}
