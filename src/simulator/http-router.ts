// Maps KuCoin paths (from the shared endpoint table) to handlers over the market and the engine.
import { ENDPOINTS, KLINE_GRANULARITIES, type EndpointName, type EndpointSpec } from '../exchange/endpoints.js';
import { KUCOIN_CODES } from '../exchange/error-codes.js';
import type { MarketData } from './market-data.js';
import type { TradingEngine } from './trading-engine.js';
import { SimError, badParameter } from './sim-error.js';
import { accountOverviewWire, fillWire, orderWire, positionWire } from './wire-format.js';
import { maintMarginRate } from './ledger.js';
import { defined } from '../invariant/invariant-error.js';

export interface RouteMatch {
  readonly name: EndpointName;
  readonly spec: EndpointSpec;
  readonly params: Readonly<Record<string, string>>;
}

interface CompiledRoute {
  readonly name: EndpointName;
  readonly spec: EndpointSpec;
  readonly re: RegExp;
  readonly keys: readonly string[];
}

function compile(): CompiledRoute[] {
  const routes = (Object.keys(ENDPOINTS) as EndpointName[]).map((name) => {
    const spec: EndpointSpec = ENDPOINTS[name];
    const keys: string[] = [];
    const pattern = spec.path
      .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
      .replace(/\\?\{(\w+)\\?\}|\{(\w+)\}/g, (_m, a: string | undefined, b: string | undefined) => {
        keys.push(defined(a ?? b, `parameter name in path ${spec.path}`));
        return '([^/]+)';
      });
    return { name, spec, re: new RegExp(`^${pattern}$`), keys };
  });
  // Literal paths win over templated ones (/api/v1/orders/byClientOid before /api/v1/orders/{orderId}).
  return routes.sort((a, b) => a.keys.length - b.keys.length);
}

const ROUTES = compile();

export function matchRoute(method: string, pathname: string): RouteMatch | undefined {
  for (const r of ROUTES) {
    if (r.spec.method !== method) continue;
    const m = r.re.exec(pathname);
    if (!m) continue;
    const params: Record<string, string> = {};
    for (const [i, k] of r.keys.entries()) params[k] = decodeURIComponent(defined(m[i + 1], `path parameter ${k}`));
    return { name: r.name, spec: r.spec, params };
  }
  return undefined;
}

export interface HandlerContext {
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly body: unknown;
  readonly now: number;
}

export interface BulletIssuer {
  issue(kind: 'public' | 'private'): Record<string, unknown>;
}

type Handler = (ctx: HandlerContext) => unknown;

function requireSymbol(market: MarketData, symbol: string | null | undefined): string {
  if (!symbol) throw badParameter('Parameter symbol is required');
  if (!market.spec(symbol)) throw new SimError(KUCOIN_CODES.badParameter, `Contract ${symbol} does not exist`, 400);
  return symbol;
}

function intParam(q: URLSearchParams, key: string, fallback: number, min: number, max: number): number {
  const raw = q.get(key);
  if (raw === null || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw badParameter(`Parameter ${key} must be an integer in ${min}..${max}`);
  return n;
}

function optionalNumber(q: URLSearchParams, key: string): number | undefined {
  const raw = q.get(key);
  if (raw === null || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n)) throw badParameter(`Parameter ${key} must be a number`);
  return n;
}

function page<T>(items: readonly T[], q: URLSearchParams, render: (t: T) => unknown): Record<string, unknown> {
  const currentPage = intParam(q, 'currentPage', 1, 1, 1_000_000);
  const pageSize = intParam(q, 'pageSize', 50, 1, 1000);
  const start = (currentPage - 1) * pageSize;
  return {
    currentPage,
    pageSize,
    totalNum: items.length,
    totalPage: Math.ceil(items.length / pageSize),
    items: items.slice(start, start + pageSize).map(render),
  };
}

/** What GET /api/v1/user/api-key reports about the simulator's key (SIM_KEY_PERMISSIONS, SIM_KEY_IP_WHITELIST). */
export interface ApiKeyInfoWire {
  readonly remark: string;
  readonly apiKey: string;
  readonly apiVersion: number;
  /** Comma-separated, as KuCoin sends it: "General,Futures". */
  readonly permission: string;
  /** Comma-separated addresses; empty when the key has none. */
  readonly ipWhitelist: string;
  readonly createdAt: number;
  readonly uid: number;
  readonly isMaster: boolean;
  readonly subName?: string;
}

export function buildHandlers(
  market: MarketData,
  engine: TradingEngine,
  bullets: BulletIssuer,
  apiKey: ApiKeyInfoWire,
): Record<EndpointName, Handler> {
  const specOf = (symbol: string) => defined(market.spec(symbol), `contract spec of ${symbol}`);
  const renderOrder = (o: Parameters<typeof orderWire>[0]) => orderWire(o, specOf(o.symbol));
  return {
    activeContracts: ({ now }) => market.contracts.map((c) => market.contractWire(c.symbol, now)),
    contract: ({ params, now }) => market.contractWire(requireSymbol(market, params['symbol']), now),
    ticker: ({ query, now }) => market.ticker(requireSymbol(market, query.get('symbol')), now),
    level2Snapshot: ({ query, now }) => market.level2(requireSymbol(market, query.get('symbol')), now, 100),
    level2Depth20: ({ query, now }) => market.level2(requireSymbol(market, query.get('symbol')), now, 20),
    level2Depth100: ({ query, now }) => market.level2(requireSymbol(market, query.get('symbol')), now, 100),
    klines: ({ query, now }) => {
      const symbol = requireSymbol(market, query.get('symbol'));
      const g = Number(query.get('granularity'));
      if (!(KLINE_GRANULARITIES as readonly number[]).includes(g)) {
        throw badParameter(`Parameter granularity must be one of ${KLINE_GRANULARITIES.join(', ')}`);
      }
      const to = optionalNumber(query, 'to') ?? now;
      const from = optionalNumber(query, 'from') ?? to - 500 * g * 60_000;
      return market.klines(symbol, g, from, to, now);
    },
    serverTime: ({ now }) => now,
    serviceStatus: () => ({ msg: '', status: 'open' }),
    fundingRate: ({ params, now }) => market.fundingRateWire(requireSymbol(market, params['symbol']), now),
    bulletPublic: () => bullets.issue('public'),
    bulletPrivate: () => bullets.issue('private'),
    apiKeyInfo: () => apiKey,
    accountOverview: ({ query, now }) => {
      const currency = query.get('currency');
      if (currency && currency !== 'USDT') throw badParameter('Only the USDT futures account exists on this venue');
      engine.step();
      let positionMargin = 0;
      let maintenance = 0;
      for (const p of engine.ledger.open()) {
        positionMargin += p.margin;
        maintenance += Math.abs(p.qty) * p.spec.multiplier * market.markPrice(p.symbol, now) * maintMarginRate(p);
      }
      return accountOverviewWire({
        wallet: engine.ledger.wallet,
        unrealised: engine.unrealised(now),
        positionMargin,
        orderMargin: engine.orderMargin(),
        maintenance,
      });
    },
    position: ({ query, now }) => {
      const symbol = requireSymbol(market, query.get('symbol'));
      engine.step();
      const p = engine.ledger.position(specOf(symbol), now);
      return positionWire(p, market.markPrice(symbol, now), now);
    },
    positions: ({ now }) => {
      engine.step();
      return engine.ledger.open().map((p) => positionWire(p, market.markPrice(p.symbol, now), now));
    },
    placeOrder: ({ body }) => engine.place(body),
    placeStopOrder: ({ body }) => engine.placeTpsl(body),
    cancelOrderById: ({ params }) => ({
      cancelledOrderIds: engine.cancelById(defined(params['orderId'], 'path parameter orderId')),
    }),
    cancelOrderByClientOid: ({ params }) => ({
      clientOid: engine.cancelByClientOid(defined(params['clientOid'], 'path parameter clientOid')),
    }),
    orderList: ({ query }) => {
      const status = query.get('status') ?? 'done';
      if (status !== 'active' && status !== 'done') throw badParameter('Parameter status must be active or done');
      const items = engine.listOrders({
        status,
        symbol: query.get('symbol') ?? undefined,
        side: query.get('side') ?? undefined,
        type: query.get('type') ?? undefined,
      });
      return page(items, query, renderOrder);
    },
    stopOrderList: ({ query }) => {
      const items = engine.listStopOrders({
        symbol: query.get('symbol') ?? undefined,
        side: query.get('side') ?? undefined,
        type: query.get('type') ?? undefined,
      });
      return page(items, query, renderOrder);
    },
    orderById: ({ params }) => {
      const o = engine.order(defined(params['orderId'], 'path parameter orderId'));
      if (!o) throw new SimError(KUCOIN_CODES.notFound, 'order not exist.', 404);
      return renderOrder(o);
    },
    orderByClientOid: ({ query }) => {
      const clientOid = query.get('clientOid');
      if (!clientOid) throw badParameter('Parameter clientOid is required');
      const o = engine.orderByClientOid(clientOid);
      if (!o) throw new SimError(KUCOIN_CODES.notFound, 'order not exist.', 404);
      return renderOrder(o);
    },
    fills: ({ query }) => {
      const items = engine.listFills({
        orderId: query.get('orderId') ?? undefined,
        symbol: query.get('symbol') ?? undefined,
        side: query.get('side') ?? undefined,
        type: query.get('type') ?? undefined,
        startAt: optionalNumber(query, 'startAt'),
        endAt: optionalNumber(query, 'endAt'),
      });
      return page(items, query, (f) => fillWire(f, specOf(f.symbol)));
    },
  };
}
