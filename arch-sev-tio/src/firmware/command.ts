import { type DeviceLink, type FwErr, type SeededRandom, fail } from '@teeio/core';
import type { SevRetName } from '../codes.js';
import type { SevTioFirmware } from './state.js';

/**
 * What the body of a PSP command works on: the firmware's state and rule switches, the device
 * link (which functions a device has), and the run's seeded source (IDE keys). The command
 * bodies live by object (platform.ts, device-context.ts, tdi-context.ts, guest-request.ts,
 * mmio-validate.ts); psp.ts dispatches to them.
 */
export interface PspContext {
  readonly fw: SevTioFirmware;
  readonly link: DeviceLink;
  readonly random: SeededRandom;
}

/** A command's failure with its SEV_RET_* status. */
export const sev = (code: SevRetName, detail?: string): FwErr => fail(code, detail);
