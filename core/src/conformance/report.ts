/** The outcome of one conformance check. */
export interface CheckResult {
  /** Stable id: tests, `--format json` and the mutation table match on it. */
  readonly id: string;
  readonly title: string;
  readonly outcome: 'pass' | 'fail';
  /** One line: what passed, or the first thing that failed and where. */
  readonly detail: string;
  /** Every finding when the check failed (each one line), the first of which is `detail`. */
  readonly findings: readonly string[];
}

/** What `runConformance` found: one result per check, in the kit's order. */
export interface ConformanceReport {
  readonly plugin: string;
  /** The declared arch and firmware, when the declaration could be read. */
  readonly arch?: string;
  readonly firmware?: string;
  readonly outcome: 'pass' | 'fail';
  /** Why the plugin host refused the plugin (`PluginRefusal` reason and message), when it did. */
  readonly refused?: { readonly reason: string; readonly message: string };
  readonly checks: readonly CheckResult[];
}
