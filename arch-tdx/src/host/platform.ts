/**
 * The platform's DMA remapping hardware units as the ACPI DMAR table lists them. TDX Connect
 * init calls TDH.IOMMU.SETUP on every DRHD; one that is not TDX-capable answers
 * TDX_OPERAND_INVALID and is left alone ([L-RFC] tdx-host.c). teeio's platform has the root
 * complex of its TEE-IO devices behind a TDX-capable unit and an integrated graphics unit that
 * is not.
 */
export interface Drhd {
  readonly vtbar: string;
  readonly tdxCapable: boolean;
  readonly covers: string;
}

export const DRHDS: readonly Drhd[] = [
  { vtbar: '0xfed90000', tdxCapable: true, covers: 'the root ports of the TEE-IO devices' },
  { vtbar: '0xfed91000', tdxCapable: false, covers: 'integrated graphics' },
];
