import type { Bdf, VmId } from '@teeio/core';
import type { CacheObject, CommStateName, PdevStateName, PubkeyAlgo, RipasName, VdevStateName } from '../codes.js';
import type { Runs } from './granule-runs.js';

/**
 * The RMM's state as plain data (FIRMWARE_STATE), plus the two pieces of normal-world and
 * realm memory the model needs in the same document: the host's evidence cache and the
 * realm driver's nonces. Field names follow TF-RMM where it names them (num_vdevs, op.curr,
 * lock_nonce, dma_state). Addresses are hex strings so the state clones and hashes canonically.
 */

/** A message the DA app yields for the host to carry over DOE (RmmDevCommExit with REQ_SEND). */
export interface DaRequest {
  /** exit.protocol: SPDM carries DOE discovery here; SECURE_SPDM carries TDISP and IDE_KM. */
  readonly protocol: 'DOE_DISCOVERY' | 'TDISP' | 'IDE_KM';
  /** The function the message is for: the DSM for DOE Discovery and IDE_KM, the TDI for TDISP. */
  readonly target: Bdf;
  readonly message: string;
  /** What the message is, for the trace (LOCK_INTERFACE_REQUEST, KEY_PROG …). */
  readonly label: string;
}

/** A fragment the DA app hands the host to cache (exit.flags CACHE_RSP, cache_obj_id). */
export interface CacheFragment {
  readonly object: CacheObject;
  readonly data: string;
}

/** The operation the DA app runs for a PDEV or VDEV (pd->op.curr / vd->op.curr). */
export interface DaOp {
  readonly name: string;
  /** Where the op is, and what it has learnt so far. */
  phase: string;
  ctx: Record<string, string | number>;
  /** The request yielded to the host, awaiting its response. */
  request?: DaRequest;
}

/** A selective IDE stream between an endpoint PDEV and its root-port PDEV (PDEV_STREAM_*). */
export interface StreamState {
  readonly type: 'NCOH';
  readonly rootPort: Bdf;
  readonly ideStreamId: number;
  /** KEY_PROGRAMMED after CONNECT's communicate; CONNECTED after PDEV_STREAM_COMPLETE. */
  state: 'CONNECTING' | 'KEY_PROGRAMMED' | 'CONNECTED' | 'DISCONNECTING';
}

export interface PdevState {
  /** pdev_id: the function's RID, as a BDF. */
  readonly id: Bdf;
  readonly category: 'ROOTPORT' | 'ENDPOINT';
  /** root_id of an endpoint: its root port's PDEV. */
  readonly rootPort?: Bdf;
  state: PdevStateName;
  comm: CommStateName;
  op?: DaOp;
  /** num_vdevs: RMI_VDEV_CREATE increments, RMI_VDEV_DESTROY decrements. */
  numVdevs: number;
  /** The BARs the host gave as ncoh_addr_range[] (hex base, bytes). */
  readonly addrRanges: readonly { base: string; size: string }[];
  /** The RMM keeps only digests of what the host caches (libspdm patched not to store them). */
  digests: { vca?: string; certificates?: string; pubkey?: string };
  pubkeyAlgo?: PubkeyAlgo;
  /** Streams of an endpoint, by IDE stream id. */
  streams: Record<string, StreamState>;
}

export interface VdevState {
  /** tdi_id: the host RID (the VDEV is keyed by it). */
  readonly tdi: Bdf;
  /** vdev_id: the guest RID. */
  readonly vdevId: number;
  readonly pdev: Bdf;
  readonly realm: VmId;
  state: VdevStateName;
  comm: CommStateName;
  op?: DaOp;
  /** The VDEV's address ranges (its BARs): RTT_DEV_MAP checks against them. */
  readonly addrRanges: readonly { base: string; size: string }[];
  /** SMMU stream table entry: configured disabled at create, enabled by RSI_VDEV_DMA_ENABLE. */
  ste: 'DISABLED' | 'ENABLED';
  /** TDISP's START_INTERFACE nonce from the LOCK response. */
  startNonce?: string;
  /** Nonces the RMM stamps when an operation completes (generate_attest_info_nonce). */
  nonces: { lock?: string; meas?: string; report?: string };
  digests: { report?: string; measurements?: string };
  /** The report as it arrives, to count portions (the RMM keeps only its digest afterwards). */
  reportSoFar: string;
}

/** A level-3 RTT entry of device memory (held in runs by base IPA: granule-runs.ts). */
export interface RttDevEntry {
  readonly state: 'ASSIGNED_DEV' | 'UNASSIGNED';
  readonly ripas: RipasName;
  /** The granule it maps (a run's PA advances with its IPA). */
  readonly pa?: string;
  /** The VDEV (its tdi) whose range it maps. */
  readonly tdi?: Bdf;
}

/** A device granule in the realm PAS: DELEGATED, or MAPPED by an RTT entry (held in runs by base PA). */
export interface DevGranule {
  readonly state: 'DELEGATED' | 'MAPPED';
}

/** A Realm (RD) and its one REC. */
export interface RealmState {
  readonly vm: VmId;
  readonly rd: string;
  state: 'ACTIVE' | 'TERMINATED';
  /** rd_vdev_refcount. */
  vdevs: number;
  /** Level-3 device entries in runs by base IPA; an IPA never mapped has none. */
  rtt: Runs<RttDevEntry>;
  /** The REC's pending RSI_VDEV_* request and the VDEV the host completed it with. */
  rec: { pending?: { vdevId: number; completedWith?: Bdf } };
}

/** What the host kernel caches per PDEV and VDEV (the bulky objects the RMM does not keep). */
export interface HostCache {
  pdevs: Record<Bdf, Partial<Record<CacheObject, string>>>;
  vdevs: Record<Bdf, Partial<Record<CacheObject, string>>>;
  /** KVM's record of the device ranges it mapped into each realm, by VM and base IPA. */
  devMem: Record<VmId, Record<string, HostDevRange>>;
}

/** A report range KVM mapped into a realm (addresses hex). */
export interface HostDevRange {
  readonly tdi: Bdf;
  readonly rangeIndex: number;
  readonly rangeId: number;
  readonly gpa: string;
  readonly hpa: string;
  readonly pages: number;
}

/** The registers of the last call's return (x0: status | index << 8; x1, x2 outputs). */
export interface ReturnRegs {
  x0: number;
  x1?: string;
  x2?: number;
}

export interface RmmState {
  pdevs: Record<Bdf, PdevState>;
  vdevs: Record<Bdf, VdevState>;
  realms: Record<VmId, RealmState>;
  /** Device granules in runs by base PA: DELEGATED (realm PAS) or MAPPED; absent means non-secure. */
  granules: Runs<DevGranule>;
  regs: ReturnRegs;
  host: HostCache;
  /** The realm driver's memory: the nonces it read with RSI_VDEV_GET_INFO, by `vm/vdev_id`. */
  guest: Record<string, { lock?: string; meas?: string; report?: string }>;
  next: { rd: number };
}

export function initialRmmState(): RmmState {
  return { pdevs: {}, vdevs: {}, realms: {}, granules: {}, regs: { x0: 0 }, host: { pdevs: {}, vdevs: {}, devMem: {} }, guest: {}, next: { rd: 0x8_0000 } };
}
