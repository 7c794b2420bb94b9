// The embedded KuCoin Futures venue: wires clock, market, engine, quotas, auth, faults, HTTP and
// WebSocket into one handle that tests and the paper-trading supervisor start and close.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { RATE_LIMIT_HEADERS, SUCCESS_CODE, type QuotaPool } from '../exchange/endpoints.js';
import { parseKeyPermissions, type KeyPermission } from '../exchange/api-key-permissions.js';
import { CONFIG_DEFAULTS } from '../../config/schema.js';
import { KUCOIN_CODES } from '../exchange/error-codes.js';
import { authenticate, type ApiCredentials } from './auth.js';
import { selectContracts, ALL_CONTRACTS } from './contracts-catalogue.js';
import { FaultInjector, type HttpFault } from './fault-injector.js';
import type { FaultSpec } from '../../config/fault-spec.js';
import { buildHandlers, matchRoute } from './http-router.js';
import { MarketData, type TopOfBook } from './market-data.js';
import { PricePaths } from './price-path.js';
import { MARKET_PROFILES, type MarketProfile } from '../../config/market-profiles.js';
import { QuotaTracker, type QuotaView } from './quota.js';
import { type Clock, systemClock } from '../resilience/clock.js';
import { ManualSimClock, ScaledClock, type SimClock } from './sim-clock.js';
import { SimError } from './sim-error.js';
import { TradingEngine } from './trading-engine.js';
import { SimWsServer } from './ws-server.js';

export interface SimulatorOptions {
  /** 0 (default) picks an ephemeral port. */
  readonly port?: number;
  readonly host?: string;
  readonly apiKey?: string;
  readonly apiSecret?: string;
  readonly apiPassphrase?: string;
  /** Starting USDT balance. */
  readonly balance?: number;
  readonly seed?: number;
  /** Simulated time runs `speed`× real time (ignored with a manual clock). */
  readonly speed?: number;
  /** Simulated start time (epoch ms); defaults to the real time now. */
  readonly startTime?: number;
  /** 'manual' gives a ManualSimClock that only `advance()` moves. */
  readonly clock?: 'scaled' | 'manual';
  readonly faults?: FaultSpec | string;
  /** How many contracts to list (default 60, at least 1). */
  readonly contracts?: number;
  readonly profile?: MarketProfile;
  /** Real time: the venue's tick and latency timers, the scaled market clock's base. Default systemClock. */
  readonly realClock?: Clock;
  /** Real time for the signature window (tests may inject). Default realClock. */
  readonly authClock?: Pick<Clock, 'now'>;
  /** Real time for quota windows (tests inject one to skip the 30 s wait). Default realClock. */
  readonly quotaClock?: Pick<Clock, 'now'>;
  /** Pool sizes override (default KuCoin VIP0 from the endpoint table). */
  readonly quota?: Readonly<Record<QuotaPool, number>>;
  /** How often (real ms) the venue advances orders and pushes tickers. */
  readonly tickIntervalMs?: number;
  /** Addresses the key accepts (others get 400006); also reported by GET /api/v1/user/api-key. */
  readonly ipWhitelist?: readonly string[];
  /** Permissions GET /api/v1/user/api-key reports (default General, Futures: a trade-only key). */
  readonly keyPermissions?: readonly KeyPermission[];
  /** false makes the key read-only: trading endpoints answer 400007. */
  readonly canTrade?: boolean;
}

export interface SimulatorHandle {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** ws://127.0.0.1:<port>/endpoint (clients normally learn it from bullet-public/private). */
  readonly wsUrl: string;
  readonly port: number;
  readonly host: string;
  readonly credentials: ApiCredentials;
  readonly seed: number;
  readonly profile: MarketProfile;
  readonly symbols: readonly string[];
  /** Simulated time. */
  readonly clock: SimClock;
  /** Moves a manual clock forward and processes everything due (throws with a scaled clock). */
  advance(ms: number): void;
  readonly faults: {
    set(spec: FaultSpec | string): void;
    clear(): void;
    current(): FaultSpec;
  };
  readonly market: {
    top(symbol: string): TopOfBook;
    markPrice(symbol: string): number;
    /** Multiplies the symbol's path by `factor` from now on (a jump). */
    shock(symbol: string, factor: number): void;
    /** Holds the price at `price` from now on; `null` releases it. */
    pin(symbol: string, price: number | null): void;
    /** In the trending profile: +1 up leg, -1 down leg at the current time; else 0. */
    trendDirection(symbol: string): -1 | 0 | 1;
    msUntilTrendTurn(symbol: string): number;
  };
  /** Direct access for assertions (wallet, positions). */
  readonly engine: TradingEngine;
  /** Forgets all quota windows. */
  resetQuotas(): void;
  /** 429 responses sent because a caller exceeded its quota (injected ones not counted). */
  rateLimitedResponses(): number;
  close(): Promise<void>;
}

/** What a bare startSimulator() runs with: the SIM_* settings at their schema defaults, plus internals. */
export const SIM_DEFAULTS = {
  host: '127.0.0.1',
  apiKey: CONFIG_DEFAULTS.simApiKey,
  apiSecret: CONFIG_DEFAULTS.simApiSecret,
  apiPassphrase: CONFIG_DEFAULTS.simApiPassphrase,
  balance: CONFIG_DEFAULTS.simBalance,
  seed: CONFIG_DEFAULTS.simSeed,
  speed: CONFIG_DEFAULTS.simSpeed,
  contracts: 60,
  profile: CONFIG_DEFAULTS.simProfile,
  tickIntervalMs: 100,
  keyPermissions: parseKeyPermissions(CONFIG_DEFAULTS.simKeyPermissions) as readonly KeyPermission[],
  uid: 100000001,
  subName: 'paper',
} as const;

const MAX_BODY_BYTES = 1 << 20;
/** The gw-ratelimit-reset an injected 429 sends: a short gateway throttle, not the quota window. */
const INJECTED_429_RESET_MS = 1000;

function checkOptions(o: SimulatorOptions): void {
  const bad = (field: string, why: string): never => {
    throw new Error(`simulator option ${field}: ${why}`);
  };
  if (o.port !== undefined && (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535))
    bad('port', `must be an integer 0..65535, got ${o.port}`);
  if (o.balance !== undefined && !(o.balance >= 0 && Number.isFinite(o.balance)))
    bad('balance', `must be a finite number >= 0, got ${o.balance}`);
  if (o.seed !== undefined && !Number.isInteger(o.seed)) bad('seed', `must be an integer, got ${o.seed}`);
  if (o.speed !== undefined && !(o.speed > 0 && Number.isFinite(o.speed)))
    bad('speed', `must be a positive number, got ${o.speed}`);
  if (
    o.contracts !== undefined &&
    (!Number.isInteger(o.contracts) || o.contracts < 1 || o.contracts > ALL_CONTRACTS.length)
  ) {
    bad('contracts', `must be an integer 1..${ALL_CONTRACTS.length}, got ${o.contracts}`);
  }
  if (o.profile !== undefined && !MARKET_PROFILES.includes(o.profile))
    bad('profile', `must be one of ${MARKET_PROFILES.join(', ')}, got ${String(o.profile)}`);
  for (const k of ['apiKey', 'apiSecret', 'apiPassphrase'] as const)
    if (o[k] !== undefined && o[k] === '') bad(k, 'must not be empty');
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<SimulatorHandle> {
  checkOptions(options);
  const host = options.host ?? SIM_DEFAULTS.host;
  const seed = options.seed ?? SIM_DEFAULTS.seed;
  const profile = options.profile ?? SIM_DEFAULTS.profile;
  const credentials: ApiCredentials = {
    apiKey: options.apiKey ?? SIM_DEFAULTS.apiKey,
    apiSecret: options.apiSecret ?? SIM_DEFAULTS.apiSecret,
    apiPassphrase: options.apiPassphrase ?? SIM_DEFAULTS.apiPassphrase,
  };
  const realClock = options.realClock ?? systemClock;
  const startTime = options.startTime ?? realClock.now();
  const manual = options.clock === 'manual' ? new ManualSimClock(startTime) : null;
  const clock: SimClock = manual ?? new ScaledClock(startTime, options.speed ?? SIM_DEFAULTS.speed, realClock);
  const now = (): number => clock.now();
  const contracts = selectContracts(options.contracts ?? SIM_DEFAULTS.contracts);
  const paths = new PricePaths(contracts, seed, profile);
  const market = new MarketData(contracts, paths);
  const engine = new TradingEngine(market, clock, options.balance ?? SIM_DEFAULTS.balance, seed);
  const faults = new FaultInjector(seed, options.faults ?? {});
  const quotaClock = options.quotaClock ?? realClock;
  const quota = new QuotaTracker({ clock: quotaClock, ...(options.quota ? { quota: options.quota } : {}) });
  const authClock = options.authClock ?? realClock;

  const sockets = new Set<Socket>();
  const hung = new Set<ServerResponse>();
  let baseHttp = '';
  let closed = false;
  let quotaRefusals = 0;

  const ws = new SimWsServer({ market, engine, faults, clock, baseUrl: () => baseHttp.replace(/^http/, 'ws') });
  const handlers = buildHandlers(market, engine, ws, {
    remark: 'simulator key',
    apiKey: credentials.apiKey,
    apiVersion: 2,
    permission: (options.keyPermissions ?? SIM_DEFAULTS.keyPermissions).join(','),
    ipWhitelist: (options.ipWhitelist ?? []).join(','),
    createdAt: startTime,
    uid: SIM_DEFAULTS.uid,
    isMaster: false,
    subName: SIM_DEFAULTS.subName,
  });

  const server = createServer({ keepAlive: true }, (req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent)
        send(res, 500, { code: KUCOIN_CODES.internal, msg: `simulator error: ${(err as Error).message}` });
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => ws.handleUpgrade(req, socket, head));

  function send(res: ServerResponse, status: number, body: unknown, q?: QuotaView, raw?: string): void {
    if (res.writableEnded || res.destroyed) return;
    const text = raw ?? JSON.stringify(body);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(text)),
    };
    if (q) {
      headers[RATE_LIMIT_HEADERS.limit] = String(q.limit);
      headers[RATE_LIMIT_HEADERS.remaining] = String(q.remaining);
      headers[RATE_LIMIT_HEADERS.reset] = String(q.resetMs);
    }
    res.writeHead(status, headers);
    res.end(text);
  }

  function readBody(req: IncomingMessage): Promise<string> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_BODY_BYTES) {
          reject(new SimError(KUCOIN_CODES.badParameter, 'request body too large', 413));
          req.destroy();
          return;
        }
        chunks.push(c);
      });
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawUrl = req.url ?? '/';
    const method = (req.method ?? 'GET').toUpperCase();
    const body = await readBody(req);
    const url = new URL(rawUrl, 'http://localhost');
    const remote = req.socket.remoteAddress ?? 'unknown';
    const route = matchRoute(method, url.pathname);
    if (!route) {
      send(
        res,
        404,
        { code: KUCOIN_CODES.notFound, msg: `${method} ${url.pathname} not found` },
        quota.peek('public', remote),
      );
      return;
    }
    const pool = route.spec.pool;
    const fault: HttpFault = faults.nextHttp();
    if (fault.latencyMs > 0) await realClock.sleep(fault.latencyMs);
    if (closed) return;
    let caller = remote;
    if (fault.kind === 'hang') {
      // Never answered: the client must time out; close() destroys it.
      hung.add(res);
      res.on('close', () => hung.delete(res));
      return;
    }
    if (fault.kind === '5xx') {
      send(
        res,
        fault.status,
        { code: KUCOIN_CODES.internal, msg: 'Internal Server Error (injected)' },
        quota.peek(pool, caller),
      );
      return;
    }
    if (route.spec.auth) {
      try {
        caller = authenticate(
          {
            method,
            rawUrl,
            body,
            headers: req.headers,
            remoteAddress: remote,
            trading: route.name === 'placeOrder' || route.name === 'placeStopOrder' || route.name.startsWith('cancel'),
          },
          {
            credentials,
            clock: authClock,
            ...(options.ipWhitelist ? { ipWhitelist: options.ipWhitelist } : {}),
            ...(options.canTrade === false ? { canTrade: false } : {}),
          },
        );
      } catch (err) {
        const e = err as SimError;
        send(res, e.httpStatus, { code: e.code, msg: e.message }, quota.peek(pool, remote));
        return;
      }
    }
    if (fault.kind === '429') {
      // An injected burst lasts its burst length in requests (fault-spec.ts), so it must not spend
      // the real quota: exhausting it turned every burst into a lockout until the 30 s window
      // reset. The pool is shown empty with a short reset, which a client honouring the headers
      // (as it must) waits out before it resumes.
      const view = quota.peek(pool, caller);
      send(
        res,
        429,
        { code: KUCOIN_CODES.rateLimited, msg: 'Too Many Requests (injected)' },
        { limit: view.limit, remaining: 0, resetMs: Math.min(view.resetMs, INJECTED_429_RESET_MS) },
      );
      return;
    }
    const charge = quota.charge(pool, caller, route.spec.weight);
    if (!charge.allowed) {
      quotaRefusals++;
      send(res, 429, { code: KUCOIN_CODES.rateLimited, msg: 'Too Many Requests' }, charge);
      return;
    }
    let parsed: unknown;
    if (body.trim() !== '') {
      try {
        parsed = JSON.parse(body);
      } catch {
        send(res, 400, { code: KUCOIN_CODES.badParameter, msg: 'Request body is not valid JSON' }, charge);
        return;
      }
    }
    let data: unknown;
    try {
      data = handlers[route.name]({ params: route.params, query: url.searchParams, body: parsed, now: now() });
    } catch (err) {
      if (err instanceof SimError) {
        send(res, err.httpStatus, { code: err.code, msg: err.message }, charge);
        return;
      }
      throw err;
    }
    const envelope = { code: SUCCESS_CODE, data };
    if (fault.kind === 'malformed') {
      send(res, 200, null, charge, malformed(envelope, fault.variant));
      return;
    }
    send(res, 200, envelope, charge);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('simulator: server has no TCP address');
  const port = address.port;
  baseHttp = `http://${host}:${port}`;

  const timer = realClock
    .setInterval(() => {
      engine.step();
      ws.pushTickers();
    }, options.tickIntervalMs ?? SIM_DEFAULTS.tickIntervalMs)
    .unref();

  return {
    url: baseHttp,
    wsUrl: `${baseHttp.replace(/^http/, 'ws')}/endpoint`,
    port,
    host,
    credentials,
    seed,
    profile,
    symbols: contracts.map((c) => c.symbol),
    clock,
    advance(ms: number): void {
      if (!manual) throw new Error('advance() needs a manual clock (start with clock: "manual")');
      manual.advance(ms);
      engine.step();
      ws.pushTickers();
    },
    faults: {
      set: (spec) => faults.set(spec),
      clear: () => faults.clear(),
      current: () => faults.current(),
    },
    market: {
      top: (s) => market.top(s, now()),
      markPrice: (s) => market.markPrice(s, now()),
      shock: (s, f) => {
        engine.step();
        paths.shock(s, now(), f);
      },
      pin: (s, p) => {
        engine.step();
        paths.pin(s, now(), p);
      },
      trendDirection: (s) => paths.trendDirection(s, now()),
      msUntilTrendTurn: (s) => paths.msUntilTrendTurn(s, now()),
    },
    engine,
    resetQuotas: () => quota.reset(),
    rateLimitedResponses: () => quotaRefusals,
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      timer.cancel();
      ws.close();
      for (const res of hung) res.destroy();
      hung.clear();
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const s of sockets) s.destroy();
      await done;
    },
  };
}

/** Garbles a successful response three ways: cut-off JSON, NaN prices, or missing fields. */
function malformed(envelope: { code: string; data: unknown }, variant: number): string {
  const text = JSON.stringify(envelope);
  if (variant === 0) return text.slice(0, Math.max(1, Math.floor(text.length / 2)));
  const poison = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(poison);
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        const numeric = typeof x === 'number' || (typeof x === 'string' && x !== '' && Number.isFinite(Number(x)));
        if (variant === 1 && numeric && /price|size|qty|value|balance|equity|pnl|margin/i.test(k)) out[k] = 'NaN';
        else if (variant === 2 && /price|size|qty|balance|equity/i.test(k)) continue;
        else out[k] = poison(x);
      }
      return out;
    }
    // Kline rows and book levels are bare numbers: poison them too.
    return variant === 1 && typeof v === 'number' ? 'NaN' : v;
  };
  return JSON.stringify({ code: envelope.code, data: poison(envelope.data) });
}
