// The status server: GET /health (JSON report, 503 when unhealthy; without the token only the
// liveness verdict, so probes need no secret but equity and PnL do), GET /metrics (Prometheus text),
// /ws (live feed) and GET / (the dashboard page). Every request, whatever its path or method, first
// passes the RequestGuard (Host allow-list, then token) in handle()/upgrade(), once.
// Plain node:http plus `ws`; every socket is tracked so close() really lets the process exit.
import { type Clock, systemClock } from '../resilience/clock.js';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { parseCommandWords, type OperatorCommand } from '../control/operator-command.js';
import { renderDashboardPage } from './dashboard-page.js';
import { LiveFeed } from './live-feed.js';
import type { MetricsRecorder } from './metrics-recorder.js';
import { normaliseStatusEvent, type StatusEvent, type StatusEventInput } from './status-event.js';
import { StatusMetrics, type StatusMetricsOptions } from './status-metrics.js';
import { isReportHealthy, type StatusSource } from './status-source.js';
import { isLoopbackHost } from '../net/loopback-host.js';
import { HostAllowList } from './host-allow-list.js';
import { RequestGuard, type Admission } from './request-guard.js';
import { TokenGuard } from './token-guard.js';

export interface StatusServerOptions {
  /** Where the report, equity curve and positions come from. Required. */
  source: StatusSource;
  /** Bind address (default 127.0.0.1: the dashboard is for the operator's machine). */
  host?: string;
  /** TCP port (default 8787; 0 picks a free port, see start()'s result). */
  port?: number;
  /**
   * Bearer token required for everything but /health's liveness answer; empty = no auth, which is
   * refused unless `host` is loopback.
   */
  token?: string;
  /** Host-header names served besides the loopback names and `host` (STATUS_ALLOWED_HOSTS). */
  allowedHosts?: readonly string[];
  /** Event stamps, push throttling and the feed's timers (default systemClock). */
  clock?: Clock;
  /** Minimum spacing of change-driven pushes to /ws clients in ms (default 500). */
  pushIntervalMs?: number;
  /** Unconditional push period in ms, so ages keep moving (default 5000; 0 = off). */
  refreshIntervalMs?: number;
  /** WebSocket ping period in ms; a client that missed a pong is dropped (default 30 000; 0 = off). */
  pingIntervalMs?: number;
  /** Skip pushes to a client with this many bytes still queued (default 1 MiB). */
  maxBufferedBytes?: number;
  /** Events replayed to a newly connected page (default 50). */
  eventHistory?: number;
  metrics?: StatusMetricsOptions;
  /**
   * Operator commands behind POST /control/<command> (pause, resume, close/<SYMBOL>, close-all,
   * breaker-reset, status). Always behind the token: refused outright when no token is set.
   */
  control?: ((command: OperatorCommand) => Promise<{ readonly ok: boolean }>) | null;
  /** Trading mode for the dashboard's badge (PAPER / LIVE); null shows none. */
  mode?: 'paper' | 'live' | null;
  /** Dashboard title (default "KuCoin Futures Bot"). */
  title?: string;
  /** Errors the server survives (a throwing source, a broken socket). Default: stderr. */
  onError?: (error: unknown) => void;
  /**
   * Takes an on-demand profile inside a thread (GET /profile, behind the token like /metrics);
   * resolves with the .cpuprofile / .heapsnapshot JSON. Absent: /profile answers 404.
   */
  profiler?: ProfileTaker;
}

export type ProfileTaker = (thread: string, kind: 'cpu' | 'heap', seconds: number) => Promise<string>;

/** Longest CPU profile /profile takes. */
export const MAX_PROFILE_SECONDS = 300;

export const STATUS_SERVER_DEFAULTS = {
  host: '127.0.0.1',
  port: 8787,
  token: '',
  allowedHosts: [] as readonly string[],
  pushIntervalMs: 500,
  refreshIntervalMs: 5000,
  pingIntervalMs: 30_000,
  maxBufferedBytes: 1024 * 1024,
  eventHistory: 50,
  title: 'KuCoin Futures Bot',
} as const;

type Filled = Required<Omit<StatusServerOptions, 'metrics' | 'profiler'>> & {
  metrics: StatusMetricsOptions;
  profiler: ProfileTaker | undefined;
};

function fill(options: StatusServerOptions): Filled {
  if (options === null || typeof options !== 'object' || options.source === undefined) {
    throw new TypeError('StatusServer: option "source" is required');
  }
  const filled: Filled = {
    source: options.source,
    host: options.host ?? STATUS_SERVER_DEFAULTS.host,
    port: options.port ?? STATUS_SERVER_DEFAULTS.port,
    token: options.token ?? STATUS_SERVER_DEFAULTS.token,
    allowedHosts: options.allowedHosts ?? STATUS_SERVER_DEFAULTS.allowedHosts,
    clock: options.clock ?? systemClock,
    pushIntervalMs: options.pushIntervalMs ?? STATUS_SERVER_DEFAULTS.pushIntervalMs,
    refreshIntervalMs: options.refreshIntervalMs ?? STATUS_SERVER_DEFAULTS.refreshIntervalMs,
    pingIntervalMs: options.pingIntervalMs ?? STATUS_SERVER_DEFAULTS.pingIntervalMs,
    maxBufferedBytes: options.maxBufferedBytes ?? STATUS_SERVER_DEFAULTS.maxBufferedBytes,
    eventHistory: options.eventHistory ?? STATUS_SERVER_DEFAULTS.eventHistory,
    metrics: options.metrics ?? {},
    title: options.title ?? STATUS_SERVER_DEFAULTS.title,
    control: options.control ?? null,
    mode: options.mode ?? null,
    onError: options.onError ?? ((error) => process.stderr.write(`status server: ${String(error)}\n`)),
    profiler: options.profiler,
  };
  for (const key of ['getReport', 'onChange', 'equityCurve', 'openPositions'] as const) {
    if (typeof filled.source[key] !== 'function') {
      throw new TypeError(`StatusServer: option "source" must have a ${key}() method`);
    }
  }
  if (typeof filled.host !== 'string' || filled.host.trim() === '') {
    throw new RangeError(`StatusServer: option "host" must be a non-empty string, got ${JSON.stringify(filled.host)}`);
  }
  if (!(Number.isInteger(filled.port) && filled.port >= 0 && filled.port <= 65_535)) {
    throw new RangeError(`StatusServer: option "port" must be an integer in 0..65535, got ${filled.port}`);
  }
  if (typeof filled.token !== 'string' || /\s/.test(filled.token)) {
    throw new RangeError('StatusServer: option "token" must be a string without whitespace');
  }
  if (filled.token === '' && !isLoopbackHost(filled.host)) {
    throw new RangeError(
      `StatusServer: option "host" ${filled.host} is reachable from other machines: option "token" is required with it`,
    );
  }
  if (
    !Array.isArray(filled.allowedHosts) ||
    !filled.allowedHosts.every((h) => typeof h === 'string' && !/\s/.test(h))
  ) {
    throw new RangeError('StatusServer: option "allowedHosts" must be an array of host names');
  }
  const nonNegative = ['pushIntervalMs', 'refreshIntervalMs', 'pingIntervalMs', 'maxBufferedBytes'] as const;
  for (const key of nonNegative) {
    const v = filled[key];
    if (!(Number.isFinite(v) && v >= 0))
      throw new RangeError(`StatusServer: option "${key}" must be a finite number >= 0, got ${v}`);
  }
  if (!(Number.isInteger(filled.eventHistory) && filled.eventHistory >= 0)) {
    throw new RangeError(`StatusServer: option "eventHistory" must be an integer >= 0, got ${filled.eventHistory}`);
  }
  return filled;
}

type State =
  | { readonly kind: 'idle' }
  | { readonly kind: 'listening'; readonly url: string }
  | { readonly kind: 'closed' };

export class StatusServer {
  private readonly options: Filled;
  private readonly guard: RequestGuard;
  private readonly metrics: StatusMetrics;
  private readonly feed: LiveFeed;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private state: State = { kind: 'idle' };

  constructor(options: StatusServerOptions) {
    this.options = fill(options);
    this.guard = new RequestGuard(
      new HostAllowList(this.options.host, this.options.allowedHosts),
      new TokenGuard(this.options.token),
    );
    this.metrics = new StatusMetrics(this.options.metrics);
    this.feed = new LiveFeed({
      source: this.options.source,
      clock: this.options.clock,
      pushIntervalMs: this.options.pushIntervalMs,
      refreshIntervalMs: this.options.refreshIntervalMs,
      pingIntervalMs: this.options.pingIntervalMs,
      maxBufferedBytes: this.options.maxBufferedBytes,
      eventHistory: this.options.eventHistory,
      onError: this.options.onError,
    });
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => this.fail(res, error));
    });
    this.server.headersTimeout = 10_000;
    this.server.requestTimeout = 30_000;
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head));
    this.server.on('clientError', (_error, socket: Duplex) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    });
  }

  /** The hook the supervisor feeds raw API-call and scan durations into (for the histograms). */
  get recorder(): MetricsRecorder {
    return this.metrics;
  }

  /** The bound base URL (ending in "/") once listening, else null. */
  get url(): string | null {
    return this.state.kind === 'listening' ? this.state.url : null;
  }

  /** Open TCP connections (HTTP keep-alive and WebSocket); 0 after close(). */
  get connectionCount(): number {
    return this.sockets.size;
  }

  get liveClientCount(): number {
    return this.feed.clientCount;
  }

  /** Listens and resolves to the bound base URL, e.g. "http://127.0.0.1:8787/". */
  start(): Promise<string> {
    if (this.state.kind !== 'idle') {
      return Promise.reject(new Error(`StatusServer: start() called while ${this.state.kind}`));
    }
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      this.server.once('error', onError);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', onError);
        this.server.on('error', (error) => this.options.onError(error));
        const address = this.server.address() as AddressInfo;
        const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
        const url = `http://${host}:${address.port}/`;
        this.state = { kind: 'listening', url };
        resolve(url);
      });
    });
  }

  /** Sends an event to every live page (and keeps it for pages that connect later). */
  publishEvent(input: StatusEventInput): StatusEvent {
    const event = normaliseStatusEvent(input, this.options.clock.now());
    this.feed.publish(event);
    return event;
  }

  /** Stops listening and destroys every socket (keep-alive and WebSocket). Idempotent. */
  async close(): Promise<void> {
    const wasListening = this.state.kind === 'listening';
    this.state = { kind: 'closed' };
    await this.feed.close();
    if (!wasListening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    // Every socket still in the set has not emitted 'close' yet (its listener removes it), so
    // waiting for that event cannot hang, even for a socket already destroyed this tick.
    const socketsClosed = [...this.sockets].map(
      (socket) => new Promise<void>((resolve) => socket.once('close', () => resolve())),
    );
    this.server.closeAllConnections();
    for (const socket of this.sockets) socket.destroy();
    await Promise.all([closed, ...socketsClosed]);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://status.invalid');
    // The guard runs before routing, so every endpoint, present or future, is behind it.
    const admission = this.guard.admit(req.headers, url, req.method);
    if (admission === 'wrong-host') {
      send(res, 421, 'application/json; charset=utf-8', `${JSON.stringify({ error: MISDIRECTED })}\n`);
      return;
    }
    if (admission === 'cross-site') {
      send(
        res,
        403,
        'application/json; charset=utf-8',
        '{"error":"forbidden: requests from another site\'s page are refused"}\n',
      );
      return;
    }
    if (admission === 'anonymous' && url.pathname !== '/health') {
      send(
        res,
        401,
        'application/json; charset=utf-8',
        '{"error":"unauthorized: a valid bearer token is required"}\n',
        {
          'WWW-Authenticate': 'Bearer realm="status"',
        },
      );
      return;
    }
    if (url.pathname.startsWith('/control/')) {
      await this.handleControl(req, res, url, admission);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n', { Allow: 'GET, HEAD' });
      return;
    }
    if (url.pathname === '/health') {
      const report = this.options.source.getReport();
      // Without the token: liveness only (pm2 and container probes), not equity, PnL or errors.
      const body = admission === 'authorised' ? report : { overall_health: { status: report.overall_health.status } };
      send(
        res,
        isReportHealthy(report) ? 200 : 503,
        'application/json; charset=utf-8',
        `${JSON.stringify(body, null, 2)}\n`,
      );
      return;
    }
    switch (url.pathname) {
      case '/metrics': {
        const text = await this.metrics.render(this.options.source.getReport());
        send(res, 200, this.metrics.contentType, text);
        return;
      }
      case '/':
      case '/index.html': {
        const nonce = randomBytes(16).toString('base64');
        send(
          res,
          200,
          'text/html; charset=utf-8',
          renderDashboardPage({
            nonce,
            title: this.options.title,
            mode: this.options.mode,
            controls: this.options.control !== null && this.guard.tokenRequired,
          }),
          {
            'Content-Security-Policy':
              `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; ` +
              "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
            'X-Frame-Options': 'DENY',
          },
        );
        return;
      }
      case '/profile':
        await this.profile(url, res);
        return;
      case '/ws':
        send(res, 426, 'text/plain; charset=utf-8', 'use a WebSocket\n', { Upgrade: 'websocket' });
        return;
      default:
        send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
    }
  }

  /** GET /profile?thread=<name>&seconds=<n>[&kind=cpu|heap]: the profile as a JSON download. */
  private async profile(url: URL, res: ServerResponse): Promise<void> {
    const taker = this.options.profiler;
    if (!taker) {
      send(res, 404, 'text/plain; charset=utf-8', 'profiling is not available\n');
      return;
    }
    const thread = url.searchParams.get('thread') ?? '';
    const kind = url.searchParams.get('kind') ?? 'cpu';
    const seconds = Number(url.searchParams.get('seconds') ?? '5');
    const bad = (message: string): void =>
      send(res, 400, 'application/json; charset=utf-8', `${JSON.stringify({ error: message })}\n`);
    if (!/^[a-z][a-z-]{0,40}$/.test(thread)) return bad('query "thread" must name a thread, e.g. thread=scanner');
    if (kind !== 'cpu' && kind !== 'heap') return bad('query "kind" must be cpu or heap');
    if (!(seconds > 0 && seconds <= MAX_PROFILE_SECONDS))
      return bad(`query "seconds" must be a number in (0, ${MAX_PROFILE_SECONDS}]`);
    let data: string;
    try {
      data = await taker(thread, kind, seconds);
    } catch (error) {
      send(
        res,
        409,
        'application/json; charset=utf-8',
        `${JSON.stringify({ error: error instanceof Error ? error.message : String(error) })}\n`,
      );
      return;
    }
    send(res, 200, 'application/json; charset=utf-8', data);
  }

  /**
   * POST /control/<command>: operator commands. Unlike the read-only pages these always need the
   * token (a status server without STATUS_TOKEN refuses them), and a browser request from another
   * origin is refused even with it.
   */
  private async handleControl(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    admission: Admission,
  ): Promise<void> {
    const json = 'application/json; charset=utf-8';
    req.resume(); // commands carry no body; drain whatever came
    if (req.method !== 'POST') {
      send(res, 405, json, '{"error":"control commands are POST requests"}\n', { Allow: 'POST' });
      return;
    }
    // The central guard already refused a wrong Host and another site's page; on top of it, control
    // needs a configured token even where the read-only pages are open without one.
    if (!this.guard.tokenRequired) {
      send(
        res,
        403,
        json,
        '{"error":"control commands are disabled: set STATUS_TOKEN to allow them over HTTP (npm run ctl works locally without one)"}\n',
      );
      return;
    }
    if (admission !== 'authorised') {
      send(res, 401, json, '{"error":"unauthorized: a valid bearer token is required"}\n', {
        'WWW-Authenticate': 'Bearer realm="status"',
      });
      return;
    }
    if (this.options.control === null) {
      send(res, 404, json, '{"error":"this status server has no control commands"}\n');
      return;
    }
    const words = url.pathname
      .slice('/control/'.length)
      .split('/')
      .map((w) => decodeURIComponent(w));
    const parsed = parseCommandWords(words);
    if (!parsed.ok) {
      send(res, 400, json, `${JSON.stringify({ error: parsed.problem })}\n`);
      return;
    }
    const result = await this.options.control(parsed.command);
    send(res, result.ok ? 200 : 409, json, `${JSON.stringify(result)}\n`);
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', (error) => this.options.onError(error));
    const url = new URL(req.url ?? '/', 'http://status.invalid');
    const admission = this.guard.admit(req.headers, url, req.method);
    if (admission === 'wrong-host') {
      refuseUpgrade(socket, 421, 'Misdirected Request');
      return;
    }
    if (url.pathname !== '/ws') {
      refuseUpgrade(socket, 404, 'Not Found');
      return;
    }
    // Browsers let any site open a WebSocket to localhost; a foreign Origin is refused even without
    // a token, so a page on the web can't read positions through the operator's browser.
    const origin = req.headers.origin;
    if (origin !== undefined && !sameHost(origin, req.headers.host)) {
      refuseUpgrade(socket, 403, 'Forbidden');
      return;
    }
    if (admission !== 'authorised') {
      refuseUpgrade(socket, 401, 'Unauthorized');
      return;
    }
    this.feed.handleUpgrade(req, socket, head);
  }

  private fail(res: ServerResponse, error: unknown): void {
    this.options.onError(error);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    send(res, 500, 'application/json; charset=utf-8', '{"error":"internal error"}\n');
  }
}

const MISDIRECTED =
  'misdirected request: the Host header is not a name of this server (add the name you use to STATUS_ALLOWED_HOSTS)';

function send(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    // The page URL may carry ?token=; never send it on as a referrer.
    'Referrer-Policy': 'no-referrer',
    ...headers,
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  if (socket.writable) socket.write(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}

function sameHost(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}
