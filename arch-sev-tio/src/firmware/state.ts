import { type Bdf, type FirmwareState, type IdeKmMessage, REPORT_PAGE_SIZE, RuleSwitches, type TdispMessage, type VmId, clonePlain } from '@teeio/core';
import { inject, injectable } from 'tsyringe';
import type { TdiBindStatus } from '../codes.js';
import { SEV_TIO_MODEL_OPTIONS, type SevTioModelOptions, type SevTioRuleId } from '../rules.js';

/**
 * What the PSP and the platform's RMP/IOMMU hold, as plain data (FIRMWARE_STATE), and, in `host`,
 * what the host's CCP driver and KVM's SEV code keep: the core snapshots and hashes both.
 */

/** A request data object the PSP wants carried to the device (SEV_RET_SPDM_REQUEST). */
export type SpdmRequest =
  | { readonly proto: 'DOE_DISCOVERY'; readonly index: number }
  | { readonly proto: 'IDE_KM'; readonly message: IdeKmMessage }
  | { readonly proto: 'TDISP'; readonly tdi: Bdf; readonly message: TdispMessage };

/** What the host put in the response buffer; `NONE` when the exchange failed (pci_doe() error). */
export type SpdmReply =
  | { readonly proto: 'DOE_DISCOVERY'; readonly dataObjectType: number; readonly nextIndex: number }
  | { readonly proto: 'IDE_KM'; readonly message: IdeKmMessage }
  | { readonly proto: 'TDISP'; readonly message: TdispMessage }
  | { readonly proto: 'NONE'; readonly error: string };

/** TIO_DEV_STATUS ctx_state [TEEIO names: the sources give the field, not its values]. */
export type DevCtxState = 'CREATED' | 'CONNECTED' | 'DISCONNECTED';

/** A device context (TIO_DEV_CREATE … TIO_DEV_RECLAIM), one per DSM. */
export interface DevCtx {
  /** PF0's Requester ID, the root port's LNKCAP port number, the PCI segment (TIO_DEV_CREATE). */
  readonly deviceId: number;
  readonly rootPortId: number;
  readonly segmentId: number;
  ctxState: DevCtxState;
  tcMask: number;
  certSlot: number;
  /** The IDE stream per traffic class the PSP programmed (ide_stream_id[8]; TC0 only here). */
  ideStreamIds: number[];
  /** Sub-streams whose keys went live (K_SET_GO acknowledged), `DIR/SUB`: what disconnect stops. */
  keysGo: string[];
  /** The certificate chain of `certSlot`, hex, and its SHA-384. */
  certificates: string;
  certDigest: string;
  /** The measurement record of the last TIO_DEV_MEASUREMENTS, bound to its nonce, and its SHA-384. */
  measurements: string;
  measDigest: string;
  /** The command waiting for the host: for a device exchange (SPDM_REQUEST) or bigger buffers. */
  pending?: { readonly op: string; readonly awaiting: 'spdm' | 'buffer'; readonly request?: SpdmRequest; readonly needed?: number };
}

/** A TDI context (TIO_TDI_CREATE … TIO_TDI_RECLAIM), keyed by the TDI's host BDF (its interface id). */
export interface TdiCtx {
  readonly dsm: Bdf;
  /** TDISP INTERFACE_ID function_id: the host Requester ID. */
  readonly interfaceId: number;
  status: TdiBindStatus;
  /** The guest it was bound to: its VM, guest context page, ASID, and the guest's BDF for the TDI. */
  vm?: VmId;
  gctx?: string;
  asid?: number;
  guestDeviceId?: number;
  lockFlags?: number;
  /** START_INTERFACE_NONCE from the LOCK, hex, until START consumes it or STOP scrubs it. */
  nonce?: string;
  /** The interface report the PSP read, hex. */
  report?: string;
  /**
   * intf_report_counter: bumped whenever the PSP reads a new report (LOCK, TIO_TDI_REPORT). teeio
   * draws it from one PSP-wide counter so no two LOCKs share a value [TEEIO: the sources give the
   * field, not its scope]; it is the guest's freshness token.
   */
  intfReportCounter: number;
  /** The TDI reached BIND_RUN while bound (the driver clears an ASID fence only then). */
  ran: boolean;
  /** MMIO subranges the guest validated (MMIO_VALIDATE validated=1), as the PSP recorded them. */
  validated: ValidatedRange[];
  /** IS_NON_TEE_MEM the guest set through MMIO_CONFIG, by report range index. */
  nonTee: Record<number, boolean>;
}

export interface ValidatedRange {
  readonly rangeId: number;
  readonly gpa: string;
  readonly hpa: string;
  readonly pages: number;
}

/**
 * RMP entries of consecutive MMIO pages assigned to a guest with the same attributes, from `hpa`
 * (hex) for `pages` pages at GPAs from `gpa` (hex). A page in no extent is hypervisor-owned.
 * `vm`, `tdi`, `rangeIndex` and `rangeId` are KVM's bookkeeping of why it assigned the pages.
 */
export interface RmpExtent {
  readonly hpa: string;
  readonly pages: number;
  readonly asid: number;
  readonly gpa: string;
  readonly validated: boolean;
  readonly immutable: boolean;
  readonly ideStreamId: number;
  readonly vm: VmId;
  readonly tdi: Bdf;
  readonly rangeIndex: number;
  readonly rangeId: number;
}

/** The secure DTE of a TDI, in PSP-managed private memory ("struct sdte" [REF §2]). */
export interface Sdte {
  readonly vm: VmId;
  readonly asid: number;
  readonly guestDeviceId: number;
  readonly ideStreamId: number;
  /** v: the guest wrote a valid entry (SDTE_WRITE); until then the PSP keeps DMA blocked. */
  valid: boolean;
  /** ir/iw */
  dmaEnabled: boolean;
  vtomEn: boolean;
  /** vTOM, hex: below it DMA is private. Default the maximum, so all DMA is private. */
  vtom: string;
}

/** An SNP guest context (SNP_GCTX_CREATE / SNP_LAUNCH_START … SNP_DECOMMISSION). */
export interface GuestCtx {
  readonly gctx: string;
  readonly asid: number;
}

/** What the host side keeps (sev-dev-tio.c's tsm_dsm_tio / tsm_tdi_tio, KVM, the IOMMU driver). */
export interface HostState {
  /** sev_tio_status(): what TIO_STATUS said once TIO_INIT was done (the buffer sizes to start from). */
  tio?: TioStatus;
  devices: Record<Bdf, HostDsm>;
  tdis: Record<Bdf, HostTdi>;
  /** Host DTEs set up to route the TDI's T=1 traffic through its sDTE (the RFC's DTE bit 96). */
  dte: Record<Bdf, { readonly vm: VmId }>;
  /** The blob table in shared guest pages: what the host relays, hex (untrusted). */
  blobs: Record<Bdf, { certificates: string; measurements: string; interfaceReport: string }>;
}

export interface HostDsm {
  /** The spdm_ctrl output and scratch buffers' sizes; sla_expand() grows them. */
  outputLen: number;
  scratchLen: number;
  streamId: number;
  /** Where connect/disconnect got to, so a retried teardown does each part once. */
  phase: 'created' | 'connected' | 'disconnected';
}

export interface HostTdi {
  readonly dsm: Bdf;
  readonly vm: VmId;
  readonly guestRid: number;
  /** bound: TIO_TDI_BIND done; stopped: TIO_TDI_UNBIND done; reclaimed: TIO_TDI_RECLAIM done. */
  phase: 'created' | 'bound' | 'stopped' | 'reclaimed';
  ran: boolean;
  /** The host's (untrusted) copy of the report TIO_TDI_BIND output, hex. */
  report?: string;
}

/** TIO_STATUS's answer [REF §1]; sizes are teeio's [TEEIO]. */
export interface TioStatus {
  readonly tioEn: boolean;
  readonly tioInitDone: boolean;
  readonly spdmReqSizeMin: number;
  readonly spdmReqSizeMax: number;
  readonly spdmRspSizeMin: number;
  readonly spdmRspSizeMax: number;
  readonly spdmScratchSizeMin: number;
  readonly spdmScratchSizeMax: number;
  readonly spdmOutSizeMin: number;
  readonly spdmOutSizeMax: number;
  readonly devctxSize: number;
  readonly tdictxSize: number;
}

export interface PspState {
  /**
   * The platform as SNP_INIT_EX left it: the firmware version, SNP_FEATURE_INFO EBX bit 1
   * (SEV-TIO), tio_en, and whether TIO_INIT has been done.
   */
  platform: { fw: { major: number; minor: number }; snpInit: boolean; tioFeature: boolean; tioEn: boolean; tioInitDone: boolean };
  guests: Record<VmId, GuestCtx>;
  /** Guest context pages handed out so far (each SNP_GCTX_CREATE takes a new one). */
  gctxPages: number;
  nextAsid: number;
  devices: Record<Bdf, DevCtx>;
  tdis: Record<Bdf, TdiCtx>;
  /** The RMP entries of assigned MMIO pages, as extents. */
  rmp: RmpExtent[];
  sdtes: Record<Bdf, Sdte>;
  /** ASID fences by `<dsm>/<asid>`: set by the root complex, cleared by TIO_ASID_FENCE_CLEAR. */
  fences: Record<string, { readonly dsm: Bdf; readonly asid: number; readonly cause: string }>;
  /** The PSP-wide source of intf_report_counter values. */
  reportCounter: number;
  host: HostState;
}

export const initialPspState = (): PspState => ({
  platform: { fw: { major: 1, minor: 55 }, snpInit: true, tioFeature: true, tioEn: true, tioInitDone: false },
  guests: {},
  gctxPages: 0,
  nextAsid: 1,
  devices: {},
  tdis: {},
  rmp: [],
  sdtes: {},
  fences: {},
  reportCounter: 0,
  host: { devices: {}, tdis: {}, dte: {}, blobs: {} },
});

/** A command the PSP has started and not finished: resumed when the host re-issues it. */
export type Program<T> = Generator<{ spdm: SpdmRequest } | { expand: number }, T, unknown>;

export const fenceKey = (dsm: Bdf, asid: number): string => `${dsm}/${asid}`;
/** RMP entries and MMIO ranges are 4 KiB pages, the report's unit. */
export const PAGE = REPORT_PAGE_SIZE;

/**
 * The firmware state every class of the plugin shares in one run. Besides the plain data it
 * holds the PSP's working memory: the commands suspended on SEV_RET_SPDM_REQUEST or
 * SEV_RET_EXPAND_BUFFER_LENGTH_REQUEST. That is execution state, not data: a snapshot records
 * only that a command is pending (DevCtx.pending); restoring one aborts it, and the host must
 * issue the command again.
 */
@injectable()
export class SevTioFirmware extends RuleSwitches<SevTioRuleId> implements FirmwareState {
  state: PspState = initialPspState();
  readonly programs = new Map<Bdf, Program<unknown>>();

  constructor(@inject(SEV_TIO_MODEL_OPTIONS) options: SevTioModelOptions) {
    super(options);
  }

  snapshot(): unknown {
    return clonePlain(this.state);
  }

  restore(state: unknown): void {
    this.state = clonePlain(state as PspState);
    this.programs.clear();
    for (const d of Object.values(this.state.devices)) delete d.pending;
  }

  /** Drops the command a device context waits on (the host stopped resuming it, or issues another). */
  abandon(dsm: Bdf): void {
    this.programs.get(dsm)?.return(undefined as never);
    this.programs.delete(dsm);
    const dev = this.state.devices[dsm];
    if (dev) delete dev.pending;
  }

  guestOf(vm: VmId): GuestCtx | undefined {
    return this.state.guests[vm];
  }

  /** The VM whose guest context is `gctx`. */
  vmOfGctx(gctx: string): VmId | undefined {
    return Object.entries(this.state.guests).find(([, g]) => g.gctx === gctx)?.[0];
  }

  fenced(dsm: Bdf, asid: number): boolean {
    return this.state.fences[fenceKey(dsm, asid)] !== undefined;
  }
}
