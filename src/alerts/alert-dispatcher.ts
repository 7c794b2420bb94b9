// The one place alerts go through: console always (an injected line sink), an optional webhook,
// the same kind+subject at most once per ALERT_COOLDOWN, secrets scrubbed. dispatch() is
// synchronous and cheap: it never awaits the network and never throws into the caller.
import { type Clock, systemClock } from '../resilience/clock.js';
import {
  type Alert,
  type AlertDetailValue,
  type AlertKind,
  type AlertSeverity,
  alertKey,
  alertSeverity,
  alertTitle,
  isAlertKind,
} from './alert.js';
import { AlertCooldown } from './alert-cooldown.js';
import { type TextRedactor, createAlertRedactor, redactDetails } from './alert-redaction.js';
import { type WebhookFailure, WebhookSender, type WebhookSenderOptions, type WebhookStats } from './webhook-sender.js';
import { CONFIG_DEFAULTS } from '../../config/schema.js';

/** The JSON body POSTed to the webhook. `text` and `content` repeat the line for chat webhooks (Slack reads `text`, Discord `content`). */
export interface AlertPayload {
  readonly kind: AlertKind;
  readonly severity: AlertSeverity;
  readonly title: string;
  readonly subject: string;
  readonly message: string;
  readonly text: string;
  readonly content: string;
  /** ISO 8601. */
  readonly time: string;
  readonly source: string;
  /** Repeats of this alert held back by the cooldown since the previous one was sent. */
  readonly suppressed: number;
  readonly details: Readonly<Record<string, AlertDetailValue>>;
}

export interface AlertDispatcherOptions {
  /** Console sink, one line per alert (default console.error). */
  console?: (line: string, payload?: AlertPayload) => void;
  /** ALERT_WEBHOOK_URL; empty or absent = console only. */
  webhookUrl?: string | null;
  /** ALERT_COOLDOWN in ms (default: the schema's). */
  cooldownMs?: number;
  clock?: Clock;
  /** Secret values (API key, secret, passphrase, tokens) never to appear in a line or payload. */
  secrets?: readonly string[];
  /** Names the bot in payloads (default "kucoin-futures-bot"). */
  source?: string;
  /** Webhook transport tuning (timeout, queue bound, retry backoff, fetch). */
  webhook?: Omit<WebhookSenderOptions, 'url' | 'onFailure'>;
  /** Where webhook delivery failures are reported (default: a line on the console sink). */
  onWebhookFailure?: (failure: WebhookFailure) => void;
}

export type DispatchOutcome = 'sent' | 'suppressed' | 'invalid' | 'closed';

export interface AlertDispatcherStats {
  readonly sent: number;
  readonly suppressed: number;
  readonly webhook: WebhookStats | null;
}

export class AlertDispatcher {
  private readonly consoleSink: (line: string, payload?: AlertPayload) => void;
  private readonly clock: Clock;
  private readonly cooldown: AlertCooldown;
  private readonly redact: TextRedactor;
  private readonly source: string;
  private readonly webhook: WebhookSender | null;
  private sent = 0;
  private suppressed = 0;
  private closed = false;

  constructor(options: AlertDispatcherOptions = {}) {
    this.consoleSink = options.console ?? ((line) => console.error(line));
    this.clock = options.clock ?? systemClock;
    this.cooldown = new AlertCooldown(options.cooldownMs ?? CONFIG_DEFAULTS.alertCooldown * 1000, this.clock);
    this.redact = createAlertRedactor(options.secrets ?? []);
    this.source = options.source ?? 'kucoin-futures-bot';
    const url = options.webhookUrl ?? '';
    const onFailure =
      options.onWebhookFailure ??
      ((f: WebhookFailure) =>
        this.safeConsole(`ALERT webhook delivery to ${f.target} failed after ${f.attempts} attempt(s): ${f.error}`));
    this.webhook = url === '' ? null : new WebhookSender({ ...options.webhook, url, onFailure });
  }

  /**
   * Sends an alert: the console line at once, the webhook POST queued in the background.
   * Returns 'suppressed' inside the cooldown of the same kind+subject. Never throws.
   */
  dispatch(alert: Alert): DispatchOutcome {
    try {
      if (this.closed) return 'closed';
      if (!isAlertKind(alert.kind) || typeof alert.subject !== 'string' || typeof alert.message !== 'string')
        return 'invalid';
      const decision = this.cooldown.check(alertKey(alert));
      if (!decision.send) {
        this.suppressed += 1;
        return 'suppressed';
      }
      const payload = this.payload(alert, decision.suppressed);
      this.sent += 1;
      this.safeConsole(`ALERT ${payload.text}`, payload);
      this.webhook?.enqueue(JSON.stringify(payload));
      return 'sent';
    } catch {
      // An alert path that throws would turn a warning into an outage; drop it instead.
      return 'invalid';
    }
  }

  /** Forgets the cooldown for kind+subject (e.g. the thread recovered), so a relapse alerts at once. */
  resetCooldown(kind: AlertKind, subject: string): void {
    this.cooldown.reset(alertKey({ kind, subject }));
  }

  /** Waits (bounded) for queued webhook posts; for graceful shutdown. True when all were handled. */
  flush(timeoutMs = 5000): Promise<boolean> {
    return this.webhook === null ? Promise.resolve(true) : this.webhook.flush(timeoutMs);
  }

  /** Stops accepting alerts and abandons queued webhook posts. */
  close(): void {
    this.closed = true;
    this.webhook?.close();
  }

  get stats(): AlertDispatcherStats {
    return { sent: this.sent, suppressed: this.suppressed, webhook: this.webhook?.stats ?? null };
  }

  private payload(alert: Alert, suppressed: number): AlertPayload {
    const title = alertTitle(alert.kind);
    const subject = this.redact(alert.subject);
    const message = this.redact(alert.message);
    const tail = suppressed > 0 ? ` (${suppressed} similar suppressed)` : '';
    const text = `${title} ${subject}: ${message}${tail}`;
    return {
      kind: alert.kind,
      severity: alertSeverity(alert.kind),
      title,
      subject,
      message,
      text,
      content: text,
      time: new Date(this.clock.now()).toISOString(),
      source: this.source,
      suppressed,
      details: redactDetails(alert.details ?? {}, this.redact),
    };
  }

  private safeConsole(line: string, payload?: AlertPayload): void {
    try {
      this.consoleSink(line, payload);
    } catch {
      // The console sink failing must not stop the webhook or the caller.
    }
  }
}
