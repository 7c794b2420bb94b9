// Delivers alert payloads to a webhook without ever blocking the caller: enqueue() only pushes
// onto a bounded queue and returns; one background loop POSTs them in order, each attempt bounded
// by a timeout, retried with the resilience toolkit's exponential backoff. A dead, slow or hanging
// receiver costs the bot nothing but dropped alerts (counted, and reported through onFailure).
// Redirects are never followed (a 3xx could re-POST the alert, and its credentials, anywhere): a 3xx
// is a failed delivery reported with its Location. Credentials in the URL go out as Basic auth.
import type { BackoffOptions } from '../resilience/backoff-options.js';
import { type Clock, type TimerHandle, unrefSystemClock } from '../resilience/clock.js';
import { createRetryRunner, type RetryRunner } from '../resilience/retry-with-backoff.js';
import { splitWebhookCredentials, webhookUrlProblem } from './webhook-url.js';

/** The slice of `fetch` used here; the global fetch satisfies it, tests may pass a fake. */
export type FetchLike = (
  url: string,
  init: { method: 'POST'; headers: Record<string, string>; body: string; signal: AbortSignal; redirect: 'manual' },
) => Promise<{
  readonly status: number;
  readonly headers?: { get(name: string): string | null };
  arrayBuffer(): Promise<ArrayBuffer>;
}>;

export interface WebhookFailure {
  /** Scheme, host and port only: the full URL may embed a token and is never logged. */
  readonly target: string;
  readonly attempts: number;
  readonly error: string;
}

export interface WebhookSenderOptions {
  /** http(s) URL; plain http only to loopback unless `allowInsecure`; user:password@ becomes Basic auth. */
  url: string;
  /** ALERT_WEBHOOK_INSECURE=1: plain http:// to another machine is allowed. */
  allowInsecure?: boolean;
  /** Per-attempt limit for the whole request, response body included (default 5000 ms). */
  timeoutMs?: number;
  /** Payloads waiting beyond the one in flight (default 100); when full the OLDEST is dropped. */
  queueCapacity?: number;
  /** Backoff between attempts (default 3 retries from 500 ms doubling to 10 s, ±10 % jitter). */
  retry?: BackoffOptions;
  fetch?: FetchLike;
  /** Sleeps between retries; the default uses unref'd timers so a retry never holds the process open. */
  clock?: Clock;
  onFailure?: (failure: WebhookFailure) => void;
}

export interface WebhookStats {
  readonly queued: number;
  readonly inFlight: boolean;
  readonly delivered: number;
  readonly failed: number;
  readonly dropped: number;
}

/** A non-2xx answer; 4xx other than 408/429 is not worth retrying, nor is a redirect. */
export class WebhookStatusError extends Error {
  override readonly name = 'WebhookStatusError';
  constructor(
    readonly status: number,
    readonly location: string | null = null,
  ) {
    super(
      status >= 300 && status < 400
        ? `webhook answered HTTP ${status} redirect to ${location ?? '(no Location)'}: redirects are not followed, point ALERT_WEBHOOK_URL at the final address`
        : `webhook answered HTTP ${status}`,
    );
  }
}

function isRetryable(error: unknown): boolean {
  if (error instanceof WebhookStatusError) return error.status >= 500 || error.status === 408 || error.status === 429;
  return true; // network errors, refused connections and timeouts
}

const DEFAULT_RETRY: BackoffOptions = { baseDelay: 500, maxDelay: 10_000, maxRetries: 3, factor: 2, jitter: 0.1 };

const unrefClock: Clock = unrefSystemClock;

export class WebhookSender {
  readonly target: string;
  private readonly url: string;
  /** The URL as configured (it may hold credentials): scrubbed from error texts. */
  private readonly configuredUrl: string;
  private readonly authorization: string | null;
  private readonly timeoutMs: number;
  private readonly queueCapacity: number;
  private readonly fetchFn: FetchLike;
  private readonly run: RetryRunner;
  private readonly clock: Clock;
  private readonly onFailure: (failure: WebhookFailure) => void;
  private readonly closed = new AbortController();
  // A plain array used as a FIFO: it never exceeds queueCapacity, so shift() stays cheap.
  private readonly queue: string[] = [];
  private draining: Promise<void> | null = null;
  private delivered = 0;
  private failed = 0;
  private dropped = 0;
  private inFlight = false;

  constructor(options: WebhookSenderOptions) {
    let parsed: URL;
    try {
      parsed = new URL(options.url);
    } catch {
      throw new TypeError('WebhookSender: option "url" must be an absolute http(s) URL');
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new TypeError(`WebhookSender: option "url" must use http or https, got ${parsed.protocol}`);
    }
    const problem = webhookUrlProblem(options.url, options.allowInsecure === true);
    if (problem !== null) throw new TypeError(`WebhookSender: option "url": ${problem}`);
    const timeoutMs = options.timeoutMs ?? 5000;
    if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
      throw new RangeError(`WebhookSender: option "timeoutMs" must be a finite number > 0, got ${timeoutMs}`);
    }
    const queueCapacity = options.queueCapacity ?? 100;
    if (!(Number.isInteger(queueCapacity) && queueCapacity > 0)) {
      throw new RangeError(`WebhookSender: option "queueCapacity" must be an integer > 0, got ${queueCapacity}`);
    }
    const split = splitWebhookCredentials(options.url);
    this.url = split.url;
    this.configuredUrl = options.url;
    this.authorization = split.authorization;
    this.target = parsed.origin;
    this.timeoutMs = timeoutMs;
    this.queueCapacity = queueCapacity;
    this.fetchFn = options.fetch ?? ((url, init) => fetch(url, init));
    this.onFailure = options.onFailure ?? (() => undefined);
    this.clock = options.clock ?? unrefClock;
    this.run = createRetryRunner(
      { ...DEFAULT_RETRY, ...options.retry, clock: this.clock, retryable: (error) => isRetryable(error) },
      'WebhookSender',
    );
  }

  /** Queues a JSON body and returns at once; false when closed. Never throws, never awaits. */
  enqueue(body: string): boolean {
    if (this.closed.signal.aborted) return false;
    if (this.queue.length >= this.queueCapacity) {
      this.queue.shift();
      this.dropped += 1;
    }
    this.queue.push(body);
    if (this.draining === null) {
      // Deferred: the caller's dispatch returns before any network work starts.
      this.draining = new Promise<void>((resolve) => this.clock.defer(resolve)).then(() => this.drain());
    }
    return true;
  }

  get stats(): WebhookStats {
    return {
      queued: this.queue.length,
      inFlight: this.inFlight,
      delivered: this.delivered,
      failed: this.failed,
      dropped: this.dropped,
    };
  }

  /** Resolves true once the queue is empty and nothing is in flight, false if `timeoutMs` passes first. */
  async flush(timeoutMs = 10_000): Promise<boolean> {
    let timer: TimerHandle | undefined;
    const timedOut = new Promise<false>((resolve) => {
      timer = this.clock.setTimeout(() => resolve(false), timeoutMs).unref();
    });
    try {
      for (;;) {
        const current = this.draining;
        if (current === null) return true;
        const result = await Promise.race([current.then(() => true as const), timedOut]);
        if (!result) return false;
      }
    } finally {
      timer?.cancel();
    }
  }

  /** Stops accepting, drops what is queued and aborts the attempt in flight. */
  close(): void {
    if (this.closed.signal.aborted) return;
    this.dropped += this.queue.length;
    this.queue.length = 0;
    this.closed.abort(new Error('webhook sender closed'));
  }

  private async drain(): Promise<void> {
    try {
      for (let body = this.queue.shift(); body !== undefined; body = this.queue.shift()) {
        if (this.closed.signal.aborted) break;
        this.inFlight = true;
        let attempts = 0;
        try {
          await this.run(async (attempt) => {
            attempts = attempt;
            await this.post(body as string);
          }, this.closed.signal);
          this.delivered += 1;
        } catch (error) {
          this.failed += 1;
          this.reportFailure(attempts, error);
        } finally {
          this.inFlight = false;
        }
      }
    } finally {
      this.draining = null;
      // An enqueue() that raced the end of the loop: start again.
      if (this.queue.length > 0 && !this.closed.signal.aborted) {
        this.draining = Promise.resolve().then(() => this.drain());
      }
    }
  }

  private async post(body: string): Promise<void> {
    const signal = AbortSignal.any([this.closed.signal, AbortSignal.timeout(this.timeoutMs)]);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.authorization !== null) headers.authorization = this.authorization;
    const response = await this.fetchFn(this.url, { method: 'POST', headers, body, signal, redirect: 'manual' });
    // Read the body so the connection is released (and a server that stalls mid-body is bounded
    // by the same timeout).
    await response.arrayBuffer();
    if (response.status < 200 || response.status >= 300) {
      const location =
        response.status >= 300 && response.status < 400 ? (response.headers?.get('location') ?? null) : null;
      throw new WebhookStatusError(response.status, location === null ? null : originOnly(location, this.url));
    }
  }

  private reportFailure(attempts: number, error: unknown): void {
    let raw = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    // undici hides the useful part ("connect ECONNREFUSED 127.0.0.1:9") in the cause.
    const cause = error instanceof Error ? error.cause : undefined;
    if (cause instanceof Error) raw += ` (${cause.message})`;
    // fetch errors can quote the URL; only the origin may appear.
    const message = raw.split(this.configuredUrl).join(this.target).split(this.url).join(this.target);
    try {
      this.onFailure({ target: this.target, attempts, error: message });
    } catch {
      // A failing failure hook must not kill the loop.
    }
  }
}

/** A redirect target as loggable text: scheme, host, port and path, never credentials or a query. */
function originOnly(location: string, base: string): string {
  try {
    const u = new URL(location, base);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(unparseable Location)';
  }
}
