/**
 * The status codes __ARCH__'s firmware returns, by the names its specification gives them.
 * Every code cites where it comes from (TODO: your specification, section and table).
 */
export const STATUS = {
  /** A transient failure the caller may retry: the declaration's `injectedFailure` (fail_nth). TODO cite. */
  BUSY: '__ARCH_UPPER___BUSY',
  /** The object is not in a state the call accepts. TODO cite. */
  ERROR_STATE: '__ARCH_UPPER___ERROR_STATE',
} as const;

export type Status = (typeof STATUS)[keyof typeof STATUS];
