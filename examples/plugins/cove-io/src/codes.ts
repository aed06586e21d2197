/**
 * The status codes CoVE-IO's TSM returns. AP-TEE-IO v0.1 [cove-io] defines its calls as SBI
 * extensions (COVH for the host, COVG for the TVM), so every call returns a standard SBI error:
 * names and values from the SBI specification's table of standard SBI errors [sbi v3.0 ch. 3,
 * "Binary Encoding", Table "Standard SBI Errors"]; -10 and above were added in SBI v3.0.
 */
export const STATUS = {
  /** -3: a parameter names nothing the TSM holds (an unknown TVM, device or interface) [sbi ch. 3]. */
  INVALID_PARAM: 'SBI_ERR_INVALID_PARAM',
  /** -4: the caller may not do this now (a bound interface blocks it) [sbi ch. 3]. */
  DENIED: 'SBI_ERR_DENIED',
  /** -5: an address outside every region added for the interface [sbi ch. 3]. */
  INVALID_ADDRESS: 'SBI_ERR_INVALID_ADDRESS',
  /** -6: the object already exists (a second connect, a second bind) [sbi ch. 3]. */
  ALREADY_AVAILABLE: 'SBI_ERR_ALREADY_AVAILABLE',
  /** -10: the interface is not in a state the call accepts [sbi v3.0 ch. 3]. */
  INVALID_STATE: 'SBI_ERR_INVALID_STATE',
  /**
   * -12: the TSM gave up waiting (a DOE exchange with the device that did not complete): the
   * transient failure fail_nth injects; the caller may retry [sbi v3.0 ch. 3].
   */
  TIMEOUT: 'SBI_ERR_TIMEOUT',
  /** -13: the device answered an SPDM/IDE_KM/TDISP request with an error [sbi v3.0 ch. 3]. */
  IO: 'SBI_ERR_IO',
} as const;

export type Status = (typeof STATUS)[keyof typeof STATUS];
