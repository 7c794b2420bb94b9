// What the /ws live feed sends, declared once for both ends: the server (live-feed.ts) builds these
// and the dashboard's browser script (browser/dashboard.ts) reads exactly these. Types only, so the
// browser build can import it.
import type { EquityPoint } from '../health/equity-curve.js';
import type { HealthReport } from '../health/health-report.js';
import type { StatusEvent } from './status-event.js';
import type { AccountView, AlertView, OpenPositionView } from './status-source.js';

export interface ReportMessage {
  readonly type: 'report';
  readonly report: HealthReport;
  readonly equity: readonly EquityPoint[];
  readonly positions: readonly OpenPositionView[];
  readonly account?: AccountView | null;
  readonly alerts?: readonly AlertView[];
  /** Data for further dashboard panels, by panel name (StatusSource.panels). */
  readonly panels?: Readonly<Record<string, unknown>>;
}

export interface EventMessage {
  readonly type: 'event';
  readonly event: StatusEvent;
}

export type LiveFeedMessage = ReportMessage | EventMessage;
