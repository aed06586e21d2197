import type { TdispRequestType } from '../wire/index.js';

/**
 * The simulated device's configuration: plain data (bigints for addresses and sizes, hex for
 * bytes) so a scenario file can describe it. Everything the device reports comes from here.
 */

/** One memory Base Address Register of a function. */
export interface BarConfig {
  /** BAR number 0..5 (a 64-bit BAR also takes the next one); the report's range_id. */
  index: number;
  address: bigint;
  /** In bytes; a power of two, as BAR sizing requires. */
  size: bigint;
  /** A 64-bit BAR, which may sit above 4 GiB. */
  is64Bit?: boolean;
  /** Reported as IS_NON_TEE_MEM: memory the TDI leaves to the host. */
  nonTee?: boolean;
  /** Reported as IS_MEM_ATTR_UPDATABLE: SET_MMIO_ATTRIBUTE may change IS_NON_TEE_MEM. */
  attrUpdatable?: boolean;
}

/** Where an MSI-X structure lives: its BAR (the capability's BIR) and a byte range in it. */
export interface MsixRegion {
  bar: number;
  offset: bigint;
  size: bigint;
}

/** The MSI-X table (16 bytes per vector) and the Pending Bit Array. */
export interface MsixConfig {
  table: MsixRegion;
  pba: MsixRegion;
}

/** One PCI function of the device: a PF, or a VF that names its PF. */
export interface FunctionConfig {
  /** Requester ID: bus 15:8, device 7:3, function 2:0. */
  requesterId: number;
  /** Set for a VF: the Requester ID of its PF. */
  pf?: number;
  /** Whether TDISP can assign this function (it is a TDI); true when absent. */
  tdi?: boolean;
  bars: BarConfig[];
  msix?: MsixConfig;
  /** The report's interface_info (InterfaceInfo bits); 0 when absent. */
  interfaceInfo?: number;
  /** The report's device_specific_info, as hex; empty when absent. */
  deviceSpecificInfo?: string;
}

/** What TDISP_CAPABILITIES reports, and which requests the device answers. */
export interface TdispCapabilitiesConfig {
  dsmCaps: number;
  /** The requests the device implements; they make req_msg_supported. Others get UNSUPPORTED_REQUEST. */
  supportedRequests: TdispRequestType[];
  /** LOCK_INTERFACE flags the device accepts (LockInterfaceFlag bits). */
  lockInterfaceFlagsSupported: number;
  devAddrWidth: number;
  numReqThis: number;
  numReqAll: number;
}

/** The DSM's IDE ports and streams, as IDE_KM sees them. */
export interface IdeConfig {
  /** Ports 0..maxPortIndex exist; port 0 is the DSM's own port, which carries the TDIs' traffic. */
  maxPortIndex: number;
  /** Stream IDs each port implements. */
  streamIds: number[];
  /** Size in DW of the IDE register block QUERY_RESP returns ([E] sample: 74). */
  registerBlockDwords: number;
  /**
   * Stream IDs that start secure on port 0, K0 programmed and set to go on all six sub-streams.
   * For devices like the spdm-emu sample, whose LOCK does not ask for IDE keys.
   */
  secureAtReset?: number[];
}

export interface DeviceConfig {
  /** Requester Segment of every function; absent means function ids carry Segment Valid = 0. */
  segment?: number;
  /** The functions; the first is function 0, the DSM, which hosts the DOE mailbox. */
  functions: FunctionConfig[];
  capabilities: TdispCapabilitiesConfig;
  /** Most report bytes one DEVICE_INTERFACE_REPORT carries ([E] LIBTDISP_INTERFACE_REPORT_PORTION_LEN 0x40). */
  maxReportPortion: number;
  ide: IdeConfig;
  /** Seed of the generator every nonce comes from. */
  seed: string | number;
}
