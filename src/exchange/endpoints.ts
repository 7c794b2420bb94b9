// KuCoin Futures facts as data, read by both the client and the simulator so the two can never
// disagree (quotas and weights: KuCoin's VIP0 rate-limit tables; see docs/ARCHITECTURE.md section 3).

/** KuCoin's rate-limit pools, in the order the shared limiter's buffer holds them. */
export const QUOTA_POOLS = ['public', 'futures'] as const;
export type QuotaPool = (typeof QUOTA_POOLS)[number];

/** Requests allowed per pool window at VIP0. */
export const POOL_QUOTA: Readonly<Record<QuotaPool, number>> = { public: 2000, futures: 2000 };
/** Length of one quota window; the window starts at the first request. */
export const POOL_WINDOW_MS = 30_000;

/** KuCoin's pools as the generic SharedRateLimiter takes them: `SharedRateLimiter.create(KUCOIN_LIMITS)`, `.attach(buffer, KUCOIN_LIMITS)`. */
export const KUCOIN_LIMITS = { pools: QUOTA_POOLS, quota: POOL_QUOTA, windowMs: POOL_WINDOW_MS } as const;

type HttpMethod = 'GET' | 'POST' | 'DELETE';

export interface EndpointSpec {
  readonly method: HttpMethod;
  /** Path as KuCoin documents it; `{name}` marks a path parameter. */
  readonly path: string;
  readonly pool: QuotaPool;
  readonly weight: number;
  /** Private endpoints need the KC-API-* signature headers. */
  readonly auth: boolean;
}

function ep(method: HttpMethod, path: string, pool: QuotaPool, weight: number, auth: boolean): EndpointSpec {
  return { method, path, pool, weight, auth };
}

export const ENDPOINTS = {
  activeContracts: ep('GET', '/api/v1/contracts/active', 'public', 3, false),
  contract: ep('GET', '/api/v1/contracts/{symbol}', 'public', 3, false),
  ticker: ep('GET', '/api/v1/ticker', 'public', 2, false),
  level2Snapshot: ep('GET', '/api/v1/level2/snapshot', 'public', 3, false),
  level2Depth20: ep('GET', '/api/v1/level2/depth20', 'public', 5, false),
  level2Depth100: ep('GET', '/api/v1/level2/depth100', 'public', 5, false),
  klines: ep('GET', '/api/v1/kline/query', 'public', 3, false),
  serverTime: ep('GET', '/api/v1/timestamp', 'public', 2, false),
  serviceStatus: ep('GET', '/api/v1/status', 'public', 4, false),
  fundingRate: ep('GET', '/api/v1/funding-rate/{symbol}/current', 'public', 2, false),
  bulletPublic: ep('POST', '/api/v1/bullet-public', 'public', 10, false),
  accountOverview: ep('GET', '/api/v1/account-overview', 'futures', 5, true),
  position: ep('GET', '/api/v1/position', 'futures', 2, true),
  positions: ep('GET', '/api/v1/positions', 'futures', 2, true),
  placeOrder: ep('POST', '/api/v1/orders', 'futures', 2, true),
  placeStopOrder: ep('POST', '/api/v1/st-orders', 'futures', 2, true),
  cancelOrderById: ep('DELETE', '/api/v1/orders/{orderId}', 'futures', 1, true),
  cancelOrderByClientOid: ep('DELETE', '/api/v1/orders/client-order/{clientOid}', 'futures', 1, true),
  orderList: ep('GET', '/api/v1/orders', 'futures', 2, true),
  stopOrderList: ep('GET', '/api/v1/stopOrders', 'futures', 2, true),
  orderById: ep('GET', '/api/v1/orders/{orderId}', 'futures', 5, true),
  orderByClientOid: ep('GET', '/api/v1/orders/byClientOid', 'futures', 5, true),
  fills: ep('GET', '/api/v1/fills', 'futures', 5, true),
  bulletPrivate: ep('POST', '/api/v1/bullet-private', 'futures', 10, true),
  // KuCoin serves this on the spot host and counts it in its Management pool (weight 20). The bot
  // calls it once, at start, outside the shared limiter, so it is filed under futures here rather
  // than giving the limiter a third pool for one call.
  apiKeyInfo: ep('GET', '/api/v1/user/api-key', 'futures', 20, true),
} as const satisfies Record<string, EndpointSpec>;

export type EndpointName = keyof typeof ENDPOINTS;

/** Kline granularities KuCoin Futures accepts, in minutes. */
export const KLINE_GRANULARITIES = [1, 5, 15, 30, 60, 120, 240, 480, 720, 1440, 10080] as const;

/** Response headers carrying the server's view of the caller's quota. */
export const RATE_LIMIT_HEADERS = {
  limit: 'gw-ratelimit-limit',
  remaining: 'gw-ratelimit-remaining',
  /** Milliseconds until the pool window resets. */
  reset: 'gw-ratelimit-reset',
} as const;

export const SUCCESS_CODE = '200000';
