// What an alert is: a kind from a closed set, the subject it is about (a thread, a breaker, the
// bot), a one-line message and optional flat details. Kind + subject is the identity the cooldown
// uses: "stall/scanner" and "stall/order-executor" are different alerts.

export const ALERT_KINDS = [
  'stall',
  'start-timeout',
  'restart',
  'restart-budget',
  'breaker-opened',
  'kill-switch',
  'unhealthy',
  'unhandled-rejection',
  'another-bot',
  'redis-down',
  'journal-unwritable',
  'suggestion',
  'operator',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export type AlertSeverity = 'warning' | 'critical';

export type AlertDetailValue = string | number | boolean | null;

export interface Alert {
  readonly kind: AlertKind;
  /** What it is about: a thread name, a breaker name, "bot". */
  readonly subject: string;
  /** One line, e.g. "no heartbeat for 3.1 s". */
  readonly message: string;
  /** Flat, JSON-safe extras (restart counts, thresholds); secrets are scrubbed before sending. */
  readonly details?: Readonly<Record<string, AlertDetailValue>>;
}

interface KindFacts {
  readonly title: string;
  readonly severity: AlertSeverity;
}

const FACTS: Readonly<Record<AlertKind, KindFacts>> = {
  stall: { title: 'THREAD STALL', severity: 'critical' },
  'start-timeout': { title: 'THREAD START TIMEOUT', severity: 'critical' },
  restart: { title: 'THREAD RESTART', severity: 'warning' },
  'restart-budget': { title: 'RESTART BUDGET EXCEEDED', severity: 'critical' },
  'breaker-opened': { title: 'CIRCUIT BREAKER OPEN', severity: 'warning' },
  'kill-switch': { title: 'KILL SWITCH', severity: 'critical' },
  unhealthy: { title: 'BOT UNHEALTHY', severity: 'critical' },
  'unhandled-rejection': { title: 'UNHANDLED REJECTION', severity: 'critical' },
  'another-bot': { title: 'ANOTHER BOT ON THE ACCOUNT', severity: 'critical' },
  // REDIS_URL set and Redis unreachable: no entries, exits and stops on a local share of the quota.
  'redis-down': { title: 'REDIS DOWN', severity: 'warning' },
  'journal-unwritable': { title: 'JOURNAL UNWRITABLE', severity: 'critical' },
  suggestion: { title: 'OPTIMISATION SUGGESTION', severity: 'warning' },
  operator: { title: 'OPERATOR', severity: 'warning' },
};

export function alertTitle(kind: AlertKind): string {
  return FACTS[kind].title;
}

export function alertSeverity(kind: AlertKind): AlertSeverity {
  return FACTS[kind].severity;
}

export function isAlertKind(value: unknown): value is AlertKind {
  return typeof value === 'string' && (ALERT_KINDS as readonly string[]).includes(value);
}

/** The cooldown identity. */
export function alertKey(alert: Pick<Alert, 'kind' | 'subject'>): string {
  return `${alert.kind}\u0000${alert.subject}`;
}
