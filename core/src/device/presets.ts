import { InterfaceInfo, LockInterfaceFlag, type TdispRequestType, toHex } from '../wire/index.js';
import type { DeviceConfig } from './config.js';
import { IMPLEMENTED_REQUESTS } from './tdisp-requests.js';

/** Device configurations to start from. Each call returns a fresh object the caller may change. */

/** `text` as hex, NUL-padded to `size` bytes. */
function ascii(text: string, size = text.length): string {
  const bytes = new Uint8Array(size);
  bytes.set(new TextEncoder().encode(text));
  return toHex(bytes);
}

/** The requests every TDISP 1.0 DSM answers, 0x81..0x87. */
const BASE_REQUESTS: TdispRequestType[] = [
  'GET_TDISP_VERSION',
  'GET_TDISP_CAPABILITIES',
  'LOCK_INTERFACE_REQUEST',
  'GET_DEVICE_INTERFACE_REPORT',
  'GET_DEVICE_INTERFACE_STATE',
  'START_INTERFACE_REQUEST',
  'STOP_INTERFACE_REQUEST',
];

const VF_BAR_SIZE = 0x1_0000n;

/** The most VFs the default device can have: their Routing IDs follow the PF's (0x0100) up to 0xffff. */
export const MAX_VFS = 0xffff - 0x0100;

/**
 * A plausible SR-IOV device for demos. PF0 at 01:00.0 is the DSM and a TDI: BAR0 (32-bit,
 * 1 MiB of registers holding the MSI-X table and PBA) and BAR2 (64-bit, 256 MiB of device memory
 * above 4 GiB whose attributes the guest may change). Its VF at 01:00.1 has one 64-bit BAR.
 * IDE stream 0 on port 0 starts without keys: a TSM must program them before LOCK.
 *
 * With `vfs` VFs (a platform of many TDIs), VF n (from 0) has Routing ID PF + First VF Offset
 * (1) + n × VF Stride (1), and its BAR0 sits at the VF BAR base + n × the BAR's size: SR-IOV
 * lays the VFs' BARs out as one contiguous region.
 */
export function defaultDevice(vfs = 1): DeviceConfig {
  const dmaInfo = InterfaceInfo.NO_UPDATE_AFTER_LOCK | InterfaceInfo.DMA_WITHOUT_PASID;
  return {
    functions: [
      {
        requesterId: 0x0100,
        bars: [
          { index: 0, address: 0xfe00_0000n, size: 0x10_0000n },
          { index: 2, address: 0x38_0000_0000n, size: 0x1000_0000n, is64Bit: true, attrUpdatable: true },
        ],
        msix: { table: { bar: 0, offset: 0x8_0000n, size: 0x800n }, pba: { bar: 0, offset: 0x8_1000n, size: 0x10n } },
        interfaceInfo: dmaInfo,
        deviceSpecificInfo: ascii('teeio demo PF'),
      },
      ...Array.from({ length: vfs }, (_, n) => ({
        requesterId: 0x0101 + n,
        pf: 0x0100,
        bars: [{ index: 0, address: 0x38_1000_0000n + BigInt(n) * VF_BAR_SIZE, size: VF_BAR_SIZE, is64Bit: true }],
        interfaceInfo: dmaInfo,
        deviceSpecificInfo: ascii('teeio demo VF'),
      })),
    ],
    capabilities: {
      dsmCaps: 0,
      supportedRequests: [...IMPLEMENTED_REQUESTS],
      lockInterfaceFlagsSupported: Object.values(LockInterfaceFlag).reduce((a, b) => a | b, 0),
      // tee-io-validator expects DEV_ADDR_WIDTH >= 52 and non-zero NUM_REQ_THIS / NUM_REQ_ALL.
      devAddrWidth: 52,
      numReqThis: 1,
      numReqAll: 1,
    },
    maxReportPortion: 0x100,
    ide: {
      maxPortIndex: 0,
      streamIds: [0],
      // IDE Capability and Control (2 DW), then one selective stream: capability, control and
      // status (3), RID association (2) and two address associations (3 each).
      registerBlockDwords: 13,
    },
    seed: 'teeio-default',
  };
}

/**
 * The DMTF spdm-emu TDISP sample as recorded in fixtures/spdm-emu-tdisp-lifecycle.jsonl: TDI
 * function_id 0xbeef (its DSM is function 0 of that device, 0xbee8), TDISP 1.0, the sample's
 * capabilities, and a 100-byte report whose four ranges equal the sample's when
 * mmio_reporting_offset is 0 (the sample never adds the offset; this device does). Served in
 * portions of at most 0x40 bytes. The sample's LOCK does not ask for IDE keys, so its default
 * stream 0 starts secure (ide.secureAtReset); [E]'s IDE_KM sizes are kept (ports 0..7, 74 DW).
 */
export function spdmEmuSample(): DeviceConfig {
  const updatable = { attrUpdatable: true };
  return {
    functions: [
      { requesterId: 0xbee8, tdi: false, bars: [] },
      {
        requesterId: 0xbeef,
        bars: [
          { index: 1, address: 0x0n, size: 0x1000n, nonTee: true },
          { index: 2, address: 0x800_0000n, size: 0x4000n, ...updatable },
          { index: 3, address: 0x1000_0000n, size: 0x8000n, ...updatable },
          { index: 4, address: 0x2000_0000n, size: 0x8000n, ...updatable },
        ],
        interfaceInfo: InterfaceInfo.NO_UPDATE_AFTER_LOCK | InterfaceInfo.DMA_WITHOUT_PASID,
        deviceSpecificInfo: ascii('tdisp_dev_emu', 16),
      },
    ],
    capabilities: {
      dsmCaps: 0,
      supportedRequests: [...BASE_REQUESTS],
      lockInterfaceFlagsSupported: LockInterfaceFlag.NO_FW_UPDATE | LockInterfaceFlag.SYSTEM_CACHE_LINE_SIZE | LockInterfaceFlag.LOCK_MSIX,
      devAddrWidth: 48,
      numReqThis: 0,
      numReqAll: 0,
    },
    maxReportPortion: 0x40,
    ide: { maxPortIndex: 7, streamIds: [0], registerBlockDwords: 74, secureAtReset: [0] },
    seed: 'spdm-emu-sample',
  };
}

/** The built-in devices by the names scenarios and commands take. */
export const DEVICE_PRESETS = {
  default: defaultDevice,
  'spdm-emu-sample': spdmEmuSample,
} as const satisfies Record<string, () => DeviceConfig>;

/** The presets that are SR-IOV PFs, whose number of VFs a scenario may choose. */
export const SRIOV_PRESETS: Partial<Record<DevicePresetName, (vfs: number) => DeviceConfig>> = { default: defaultDevice };
export type DevicePresetName = keyof typeof DEVICE_PRESETS;
