// Events the supervisor pushes to live dashboards (alerts, restarts, trades). They are not part of
// the health report: they are a feed, kept in a small ring so a page that connects late still sees
// the last few.

export type StatusEventSeverity = 'info' | 'warning' | 'critical';

export interface StatusEventInput {
  /** A short kind such as "alert", "restart", "trade", "kill-switch". */
  readonly kind: string;
  readonly message: string;
  readonly severity?: StatusEventSeverity;
  /** ISO 8601; the server stamps its clock's time when absent. */
  readonly time?: string;
  /** Extra plain data (symbol, pnl, thread...); must be JSON-serialisable. */
  readonly data?: Readonly<Record<string, unknown>>;
}

export interface StatusEvent {
  readonly kind: string;
  readonly message: string;
  readonly severity: StatusEventSeverity;
  readonly time: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

const SEVERITIES: readonly StatusEventSeverity[] = ['info', 'warning', 'critical'];
const MAX_TEXT = 1000;

/** Validates and fills an event; throws a TypeError naming the bad field (a programming error). */
export function normaliseStatusEvent(input: StatusEventInput, nowMs: number): StatusEvent {
  if (typeof input.kind !== 'string' || input.kind.trim() === '') {
    throw new TypeError('status event: "kind" must be a non-empty string');
  }
  if (typeof input.message !== 'string') {
    throw new TypeError('status event: "message" must be a string');
  }
  const severity = input.severity ?? 'info';
  if (!SEVERITIES.includes(severity)) {
    throw new TypeError(`status event: "severity" must be one of ${SEVERITIES.join(', ')}, got ${String(severity)}`);
  }
  const time = input.time ?? new Date(nowMs).toISOString();
  if (Number.isNaN(Date.parse(time))) {
    throw new TypeError(`status event: "time" must be an ISO 8601 date, got ${time}`);
  }
  const event: StatusEvent = {
    kind: input.kind.slice(0, 100),
    message: input.message.slice(0, MAX_TEXT),
    severity,
    time,
    ...(input.data === undefined ? {} : { data: input.data }),
  };
  return event;
}
