import type { AttestationPort } from './attestation.js';
import type { IommuPort } from './iommu.js';
import type { MmioPort } from './mmio.js';
import type { PortName } from './tokens.js';
import type { TsmPort } from './tsm.js';

/**
 * Every method of each port, checked by the compiler against the port's interface: `satisfies
 * Record<keyof Port, true>` fails on a method the interface gains or loses, so the interfaces
 * stay the one source and the plugin host's load-time check (`missing-port-method`) follows them.
 */
const TSM = {
  createVm: true,
  destroyVm: true,
  connect: true,
  disconnect: true,
  bind: true,
  stop: true,
  unbind: true,
  guestRequest: true,
  view: true,
} as const satisfies Record<keyof TsmPort, true>;

const MMIO = {
  mapPrivate: true,
  unmapPrivate: true,
  guestAccept: true,
  guestRelease: true,
  hostAccessOutcome: true,
  hostAccess: true,
  guestAccess: true,
  view: true,
} as const satisfies Record<keyof MmioPort, true>;

const IOMMU = {
  allocViommu: true,
  freeViommu: true,
  setupTrusted: true,
  guestEnableDma: true,
  guestDisableDma: true,
  teardownTrusted: true,
  t1Translates: true,
  view: true,
} as const satisfies Record<keyof IommuPort, true>;

const ATTESTATION = {
  register: true,
  getEvidence: true,
  freshness: true,
} as const satisfies Record<keyof AttestationPort, true>;

/** The methods a plugin's class for each port must have, in the interface's order. */
export const PORT_METHODS: { readonly [P in PortName]: readonly string[] } = {
  tsm: Object.keys(TSM),
  mmio: Object.keys(MMIO),
  iommu: Object.keys(IOMMU),
  attestation: Object.keys(ATTESTATION),
};
