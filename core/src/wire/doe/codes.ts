/** PCI DOE constants (PCIe 6.1 §6.30; DMTF libspdm pcidoe.h, Linux drivers/pci/doe.c). */

export const PCI_DOE_VENDOR_ID_PCISIG = 0x0001;

export const DoeDataObjectType = {
  DOE_DISCOVERY: 0x00,
  SPDM: 0x01,
  SECURED_SPDM: 0x02,
  SPDM_CONN_ID: 0x03,
  SECURED_SPDM_CONN_ID: 0x04,
} as const;
export type DoeDataObjectTypeName = keyof typeof DoeDataObjectType;

export const DOE_HEADER_SIZE = 8;
/** The length field counts DWs in bits 17:0; 0 stands for 2^18 DW (1 MiB). */
export const DOE_LENGTH_MASK = 0x3ffff;
export const DOE_MAX_DW = 0x40000;
