// What the advisor says: one suggestion per (rule, thread), with the figures that triggered it as
// evidence and advice that names the setting or component to change.
export type SuggestionSeverity = 'info' | 'warning' | 'critical';

export interface Suggestion {
  /** The rule's id, e.g. "event-loop-blocked". */
  readonly id: string;
  readonly severity: SuggestionSeverity;
  /** The thread it is about ("scanner", "indicator-pool", "supervisor", ...). */
  readonly thread: string;
  /** The figures, in words: "event-loop delay max 152 ms (threshold 100 ms) over 60 s". */
  readonly evidence: string;
  /** What to change: a setting (CHECK_INTERVAL=...) or a component (src/scanner/indicator-pool.ts). */
  readonly advice: string;
}
