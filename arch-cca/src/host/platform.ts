import type { Bdf } from '@teeio/core';

/**
 * teeio's Arm platform: one PCIe root port above the TEE-IO devices. At 2.0 the root port is a
 * PDEV of its own (RmiPdevCategory ROOTPORT) that the RMM reaches through EL3, not over DOE;
 * the endpoint's PDEV names it as root_id and its IDE streams run between the two.
 */
export const ROOT_PORT: Bdf = '0000:00:01.0';
