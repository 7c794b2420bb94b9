// The KuCoin Futures client: every call goes gate -> policy(attempt) -> SDK -> schema, returns
// { data, rateLimit }, and fails only with ExchangeError.
import sdk from 'kucoin-universal-sdk';
import type { z } from 'zod';
import { type Clock, type TimerHandle, systemClock } from '../resilience/clock.js';
import type { CallContext, CallPolicy, ExchangeResult } from './call-policy.js';
import { SINGLE_ATTEMPT } from './call-policy.js';
import type { ApiCredentials } from './credentials.js';
import type { EndpointName, QuotaPool } from './endpoints.js';
import { ENDPOINTS, KLINE_GRANULARITIES } from './endpoints.js';
import { CLIENT_ERROR_CODES, ExchangeError } from './exchange-error.js';
import { normalizeFailure, snapshotFromSdk } from './normalize-failure.js';
import { type CallPriority, type Limiter, OPEN_LIMITER, type RateLimitSnapshot } from '../resilience/limiter.js';
import type { CallObserver } from './call-record.js';
import { FuturesStream, type FuturesStreamOptions } from './futures-stream.js';
import { createSdkRest, type SdkRest } from './sdk-rest.js';
import {
  accountOverviewSchema,
  apiKeyInfoSchema,
  bulletSchema,
  cancelByClientOidSchema,
  cancelByIdSchema,
  contractListSchema,
  fillPageSchema,
  fundingRateSchema,
  klineListSchema,
  level2Schema,
  orderPageSchema,
  orderSchema,
  parseOrThrow,
  placedOrderSchema,
  positionListSchema,
  positionSchema,
  serverTimeSchema,
  tickerSchema,
  type AccountOverview,
  type ApiKeyInfo,
  type BulletToken,
  type CancelByClientOid,
  type CancelById,
  type Contract,
  type FillPage,
  type FundingRate,
  type Kline,
  type Level2,
  type Order,
  type OrderPage,
  type PlacedOrder,
  type Position,
  type Ticker,
} from './schemas/index.js';

export type KlineGranularity = (typeof KLINE_GRANULARITIES)[number];
export type OrderSide = 'buy' | 'sell';
export type MarginMode = 'ISOLATED' | 'CROSS';
export type StopPriceType = 'TP' | 'MP' | 'IP';

export interface KucoinFuturesClientOptions {
  /** Futures REST base URL, e.g. the simulator's url or https://api-futures.kucoin.com. */
  readonly baseUrl: string;
  readonly credentials?: ApiCredentials;
  /** Every request waits here for its pool's tokens (workers: the shared limiter). Default: admits all. */
  readonly gate?: Limiter<QuotaPool>;
  readonly observer?: CallObserver;
  /** Per-request timeout (default 10 s). */
  readonly timeoutMs?: number;
  /**
   * Wall time for signatures (inject skew or a server offset here), request durations and the
   * response guard's timer; also the streams' clock unless `stream.clock` is given. Default systemClock.
   */
  readonly clock?: Clock;
  /** Breaker/retry composition from the resilience toolkit (default: one attempt). */
  readonly policy?: CallPolicy;
  /** Socket options used by publicStream()/privateStream(). */
  readonly stream?: Omit<FuturesStreamOptions, 'fetchToken' | 'private'>;
}

export interface PlaceOrderRequest {
  /** Required and caller-made: a retry must re-send the same one. 1-40 chars of [A-Za-z0-9_-]. */
  readonly clientOid: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly type: 'market' | 'limit';
  /** Lots. May be omitted only with closeOrder. */
  readonly size?: number;
  readonly price?: number;
  readonly leverage?: number;
  readonly reduceOnly?: boolean;
  readonly closeOrder?: boolean;
  readonly marginMode?: MarginMode;
  readonly timeInForce?: 'GTC' | 'IOC';
  readonly postOnly?: boolean;
  /** Trigger direction for a stop order placed through POST /api/v1/orders. */
  readonly stop?: 'up' | 'down';
  readonly stopPrice?: number;
  readonly stopPriceType?: StopPriceType;
  readonly remark?: string;
}

export interface StopOrderRequest extends Omit<PlaceOrderRequest, 'stop' | 'stopPrice'> {
  /** Take-profit / stop-loss triggers of POST /api/v1/st-orders; at least one is required. */
  readonly triggerStopUpPrice?: number;
  readonly triggerStopDownPrice?: number;
  readonly stopPriceType: StopPriceType;
}

export interface KlineQuery {
  readonly symbol: string;
  readonly granularity: KlineGranularity;
  /** Milliseconds. */
  readonly from?: number;
  readonly to?: number;
}

export interface OrderListQuery {
  readonly status?: 'active' | 'done';
  readonly symbol?: string;
  readonly side?: OrderSide;
  readonly currentPage?: number;
  readonly pageSize?: number;
}

export interface FillQuery {
  readonly orderId?: string;
  readonly symbol?: string;
  readonly currentPage?: number;
  readonly pageSize?: number;
}

interface SdkResponse {
  commonResponse?: { data?: unknown; rateLimit?: { limit: number; remaining: number; reset: number } };
}

const CLIENT_OID = /^[A-Za-z0-9_-]{1,40}$/;
const DEFAULT_TIMEOUT_MS = 10_000;
/** Extra time the outer guard allows before declaring a timeout the transport itself missed. */
const TIMEOUT_GRACE_MS = 500;

function badRequest(endpoint: EndpointName, message: string): ExchangeError {
  return new ExchangeError({
    code: CLIENT_ERROR_CODES.invalidRequest,
    httpStatus: null,
    retryable: false,
    action: 'fail',
    message: `${endpoint}: ${message}`,
    endpoint,
    resetMs: null,
  });
}

function finiteOrThrow(endpoint: EndpointName, name: string, value: number | undefined, positive = true): void {
  if (value === undefined) return;
  if (!Number.isFinite(value) || (positive && value <= 0))
    throw badRequest(endpoint, `${name} must be a positive finite number, got ${value}`);
}

/** Drop undefined fields so the SDK serialises exactly what the caller set. */
function defined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export class KucoinFuturesClient {
  private readonly sdk: SdkRest;
  private readonly gate: Limiter<QuotaPool>;
  private readonly observer: CallObserver | undefined;
  private readonly policy: CallPolicy;
  private readonly timeoutMs: number;
  private readonly clock: Clock;
  private readonly options: KucoinFuturesClientOptions;

  constructor(options: KucoinFuturesClientOptions) {
    if (!/^https?:\/\//.test(options.baseUrl))
      throw new RangeError(`baseUrl must be an http(s) URL, got ${options.baseUrl}`);
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs))
      throw new RangeError(`timeoutMs must be a positive number, got ${timeoutMs}`);
    this.options = options;
    this.timeoutMs = timeoutMs;
    this.gate = options.gate ?? OPEN_LIMITER;
    this.observer = options.observer;
    this.policy = options.policy ?? SINGLE_ATTEMPT;
    const clock = options.clock ?? systemClock;
    this.clock = clock;
    this.sdk = createSdkRest({
      baseUrl: options.baseUrl,
      timeoutMs,
      clock,
      ...(options.credentials ? { credentials: options.credentials } : {}),
    });
  }

  // ---- public market data -------------------------------------------------------------------

  activeContracts(): Promise<ExchangeResult<Contract[]>> {
    return this.call('activeContracts', contractListSchema, () => this.sdk.market.getAllSymbols());
  }

  ticker(symbol: string): Promise<ExchangeResult<Ticker>> {
    return this.call('ticker', tickerSchema, () =>
      this.sdk.market.getTicker(sdk.Futures.Market.GetTickerReq.fromObject({ symbol })),
    );
  }

  level2Snapshot(symbol: string): Promise<ExchangeResult<Level2>> {
    return this.call('level2Snapshot', level2Schema, () =>
      this.sdk.market.getFullOrderBook(sdk.Futures.Market.GetFullOrderBookReq.fromObject({ symbol })),
    );
  }

  klines(query: KlineQuery): Promise<ExchangeResult<Kline[]>> {
    if (!(KLINE_GRANULARITIES as readonly number[]).includes(query.granularity)) {
      return Promise.reject(
        badRequest('klines', `granularity must be one of ${KLINE_GRANULARITIES.join(',')}, got ${query.granularity}`),
      );
    }
    const req = sdk.Futures.Market.GetKlinesReq.fromObject(
      defined({ symbol: query.symbol, granularity: query.granularity, from: query.from, to: query.to }),
    );
    return this.call('klines', klineListSchema, () => this.sdk.market.getKlines(req));
  }

  serverTime(): Promise<ExchangeResult<number>> {
    return this.call('serverTime', serverTimeSchema, () => this.sdk.market.getServerTime());
  }

  fundingRate(symbol: string): Promise<ExchangeResult<FundingRate>> {
    return this.call('fundingRate', fundingRateSchema, () =>
      this.sdk.fundingFees.getCurrentFundingRate(
        sdk.Futures.FundingFees.GetCurrentFundingRateReq.fromObject({ symbol }),
      ),
    );
  }

  bulletPublic(): Promise<ExchangeResult<BulletToken>> {
    return this.call('bulletPublic', bulletSchema, () => this.sdk.market.getPublicToken());
  }

  // ---- private: account and positions -------------------------------------------------------

  accountOverview(currency = 'USDT'): Promise<ExchangeResult<AccountOverview>> {
    return this.call('accountOverview', accountOverviewSchema, () =>
      this.sdk.account.getFuturesAccount(sdk.Account.Account.GetFuturesAccountReq.fromObject({ currency })),
    );
  }

  position(symbol: string): Promise<ExchangeResult<Position>> {
    return this.call('position', positionSchema, () =>
      this.sdk.positions.getPositionDetails(sdk.Futures.Positions.GetPositionDetailsReq.fromObject({ symbol })),
    );
  }

  positions(): Promise<ExchangeResult<Position[]>> {
    return this.call('positions', positionListSchema, () =>
      this.sdk.positions.getPositionList(sdk.Futures.Positions.GetPositionListReq.fromObject({})),
    );
  }

  /** What the key may do (permissions, IP whitelist) and whose it is; for the live-key check at start. */
  apiKeyInfo(): Promise<ExchangeResult<ApiKeyInfo>> {
    return this.call('apiKeyInfo', apiKeyInfoSchema, () => this.sdk.account.getApikeyInfo());
  }

  bulletPrivate(): Promise<ExchangeResult<BulletToken>> {
    return this.call('bulletPrivate', bulletSchema, () => this.sdk.market.getPrivateToken());
  }

  // ---- private: orders ----------------------------------------------------------------------

  /** Critical priority when the order reduces risk (reduceOnly, closeOrder) or is a stop. */
  placeOrder(request: PlaceOrderRequest): Promise<ExchangeResult<PlacedOrder>> {
    const endpoint = 'placeOrder';
    try {
      this.checkOrder(endpoint, request);
      if (request.stop !== undefined && (request.stopPrice === undefined || request.stopPriceType === undefined)) {
        throw badRequest(endpoint, 'a stop order needs stopPrice and stopPriceType');
      }
      finiteOrThrow(endpoint, 'stopPrice', request.stopPrice);
    } catch (e) {
      return Promise.reject(e);
    }
    const body = sdk.Futures.Order.AddOrderReq.fromObject(
      defined({
        ...this.orderBody(request),
        stop: request.stop,
        stopPrice: request.stopPrice !== undefined ? String(request.stopPrice) : undefined,
      }),
    );
    const critical = request.reduceOnly === true || request.closeOrder === true || request.stop !== undefined;
    // The body (and its clientOid) is built once: every attempt the policy makes re-sends it unchanged.
    return this.call(
      endpoint,
      placedOrderSchema,
      () => this.sdk.order.addOrder(body),
      critical ? 'critical' : 'normal',
    );
  }

  /** Exchange-side take-profit / stop-loss (POST /api/v1/st-orders); always critical. */
  placeStopOrder(request: StopOrderRequest): Promise<ExchangeResult<PlacedOrder>> {
    const endpoint = 'placeStopOrder';
    try {
      this.checkOrder(endpoint, request);
      if (request.triggerStopUpPrice === undefined && request.triggerStopDownPrice === undefined) {
        throw badRequest(endpoint, 'needs triggerStopUpPrice or triggerStopDownPrice');
      }
      finiteOrThrow(endpoint, 'triggerStopUpPrice', request.triggerStopUpPrice);
      finiteOrThrow(endpoint, 'triggerStopDownPrice', request.triggerStopDownPrice);
    } catch (e) {
      return Promise.reject(e);
    }
    const body = sdk.Futures.Order.AddTPSLOrderReq.fromObject(
      defined({
        ...this.orderBody(request),
        triggerStopUpPrice: request.triggerStopUpPrice !== undefined ? String(request.triggerStopUpPrice) : undefined,
        triggerStopDownPrice:
          request.triggerStopDownPrice !== undefined ? String(request.triggerStopDownPrice) : undefined,
      }),
    );
    return this.call(endpoint, placedOrderSchema, () => this.sdk.order.addTPSLOrder(body), 'critical');
  }

  cancelOrderById(orderId: string): Promise<ExchangeResult<CancelById>> {
    return this.call(
      'cancelOrderById',
      cancelByIdSchema,
      () => this.sdk.order.cancelOrderById(sdk.Futures.Order.CancelOrderByIdReq.fromObject({ orderId })),
      'critical',
    );
  }

  cancelOrderByClientOid(symbol: string, clientOid: string): Promise<ExchangeResult<CancelByClientOid>> {
    return this.call(
      'cancelOrderByClientOid',
      cancelByClientOidSchema,
      () =>
        this.sdk.order.cancelOrderByClientOid(
          sdk.Futures.Order.CancelOrderByClientOidReq.fromObject({ symbol, clientOid }),
        ),
      'critical',
    );
  }

  orderById(orderId: string): Promise<ExchangeResult<Order>> {
    return this.call('orderById', orderSchema, () =>
      this.sdk.order.getOrderByOrderId(sdk.Futures.Order.GetOrderByOrderIdReq.fromObject({ 'order-id': orderId })),
    );
  }

  orderByClientOid(clientOid: string): Promise<ExchangeResult<Order>> {
    return this.call('orderByClientOid', orderSchema, () =>
      this.sdk.order.getOrderByClientOid(sdk.Futures.Order.GetOrderByClientOidReq.fromObject({ clientOid })),
    );
  }

  orders(query: OrderListQuery = {}): Promise<ExchangeResult<OrderPage>> {
    const req = sdk.Futures.Order.GetOrderListReq.fromObject(defined({ ...query }));
    return this.call('orderList', orderPageSchema, () => this.sdk.order.getOrderList(req));
  }

  /** Stop orders that have not triggered yet (GET /api/v1/stopOrders). */
  untriggeredStopOrders(query: Omit<OrderListQuery, 'status'> = {}): Promise<ExchangeResult<OrderPage>> {
    const req = sdk.Futures.Order.GetStopOrderListReq.fromObject(defined({ ...query }));
    return this.call('stopOrderList', orderPageSchema, () => this.sdk.order.getStopOrderList(req));
  }

  fills(query: FillQuery = {}): Promise<ExchangeResult<FillPage>> {
    const req = sdk.Futures.Order.GetTradeHistoryReq.fromObject(defined({ ...query }));
    return this.call('fills', fillPageSchema, () => this.sdk.order.getTradeHistory(req));
  }

  // ---- WebSocket ----------------------------------------------------------------------------

  /** A socket on a bullet-public token; call connect() on it. */
  publicStream(): FuturesStream {
    return new FuturesStream({
      clock: this.clock,
      ...this.options.stream,
      private: false,
      fetchToken: async () => (await this.bulletPublic()).data,
    });
  }

  /** A socket on a bullet-private token (order and position changes). */
  privateStream(): FuturesStream {
    return new FuturesStream({
      clock: this.clock,
      ...this.options.stream,
      private: true,
      fetchToken: async () => (await this.bulletPrivate()).data,
    });
  }

  // ---- plumbing -----------------------------------------------------------------------------

  private checkOrder(endpoint: EndpointName, r: PlaceOrderRequest | StopOrderRequest): void {
    if (typeof r.clientOid !== 'string' || !CLIENT_OID.test(r.clientOid)) {
      throw badRequest(
        endpoint,
        `clientOid is required: 1-40 characters of [A-Za-z0-9_-], got ${JSON.stringify(r.clientOid)}`,
      );
    }
    if (r.type === 'limit' && r.price === undefined) throw badRequest(endpoint, 'a limit order needs a price');
    if (r.size === undefined && r.closeOrder !== true)
      throw badRequest(endpoint, 'size is required unless closeOrder is set');
    finiteOrThrow(endpoint, 'size', r.size);
    finiteOrThrow(endpoint, 'price', r.price);
    finiteOrThrow(endpoint, 'leverage', r.leverage);
  }

  private orderBody(r: PlaceOrderRequest | StopOrderRequest): Record<string, unknown> {
    return {
      clientOid: r.clientOid,
      symbol: r.symbol,
      side: r.side,
      type: r.type,
      size: r.size,
      price: r.price !== undefined ? String(r.price) : undefined,
      leverage: r.leverage,
      reduceOnly: r.reduceOnly,
      closeOrder: r.closeOrder,
      marginMode: r.marginMode,
      timeInForce: r.timeInForce,
      postOnly: r.postOnly,
      stopPriceType: r.stopPriceType,
      remark: r.remark,
    };
  }

  private call<S extends z.ZodType>(
    endpoint: EndpointName,
    schema: S,
    send: () => Promise<SdkResponse>,
    priority: CallPriority = 'normal',
  ): Promise<ExchangeResult<z.output<S>>> {
    const spec = ENDPOINTS[endpoint];
    const context: CallContext = { endpoint, priority, idempotent: true };
    const attempt = async (): Promise<ExchangeResult<z.output<S>>> => {
      await this.gate.acquire(spec.pool, spec.weight, priority);
      const started = this.clock.monotonic();
      let rateLimit: RateLimitSnapshot | null = null;
      try {
        const response = await this.withTimeout(endpoint, send());
        rateLimit = snapshotFromSdk(response.commonResponse?.rateLimit);
        if (rateLimit) this.gate.observe(spec.pool, rateLimit);
        const data = parseOrThrow(schema, response.commonResponse?.data, endpoint);
        this.record({ endpoint, ok: true, durationMs: this.clock.monotonic() - started, rateLimited: false });
        return { data, rateLimit };
      } catch (thrown) {
        const failure = normalizeFailure(thrown, endpoint);
        const error = failure.error;
        if (failure.rateLimit && !rateLimit) this.gate.observe(spec.pool, failure.rateLimit);
        if (error.action === 'wait-reset')
          this.gate.rateLimited(spec.pool, error.resetMs ?? failure.rateLimit?.resetMs ?? 0);
        this.record({
          endpoint,
          ok: false,
          durationMs: this.clock.monotonic() - started,
          code: error.code,
          ...(error.httpStatus !== null ? { httpStatus: error.httpStatus } : {}),
          rateLimited: error.action === 'wait-reset',
        });
        throw error;
      }
    };
    return this.policy.execute(attempt, context);
  }

  private record(record: Parameters<CallObserver>[0]): void {
    try {
      this.observer?.(record);
    } catch {
      // Statistics must never break a trading call.
    }
  }

  /** The SDK's axios timeout normally fires first; this guard covers a transport that never settles. */
  private withTimeout<T>(endpoint: EndpointName, promise: Promise<T>): Promise<T> {
    const limit = this.timeoutMs + TIMEOUT_GRACE_MS;
    let timer: TimerHandle | undefined;
    const guard = new Promise<never>((_, reject) => {
      timer = this.clock.setTimeout(
        () =>
          reject(
            new ExchangeError({
              code: CLIENT_ERROR_CODES.timeout,
              httpStatus: null,
              retryable: true,
              action: 'retry',
              message: `${endpoint}: no response within ${limit} ms`,
              endpoint,
              resetMs: null,
            }),
          ),
        limit,
      );
    });
    return Promise.race([promise, guard]).finally(() => timer?.cancel());
  }
}
