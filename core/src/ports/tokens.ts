import type { InjectionToken } from 'tsyringe';
import type { AttestationPort } from './attestation.js';
import type { IommuPort } from './iommu.js';
import type { MmioPort } from './mmio.js';
import type { TsmPort } from './tsm.js';

/**
 * Injection tokens of the four ports. `Symbol.for` so that a plugin loaded from another copy
 * of the core (src under tsx, dist under node) still meets the same tokens.
 */
export const TSM_PORT: InjectionToken<TsmPort> = Symbol.for('teeio.port.tsm');
export const MMIO_PORT: InjectionToken<MmioPort> = Symbol.for('teeio.port.mmio');
export const IOMMU_PORT: InjectionToken<IommuPort> = Symbol.for('teeio.port.iommu');
export const ATTESTATION_PORT: InjectionToken<AttestationPort> = Symbol.for('teeio.port.attestation');

/** Port names as plugin declarations list them, with their tokens. */
export const PORTS = {
  tsm: TSM_PORT,
  mmio: MMIO_PORT,
  iommu: IOMMU_PORT,
  attestation: ATTESTATION_PORT,
} as const;
export type PortName = keyof typeof PORTS;
