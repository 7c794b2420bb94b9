// Everything the executor is built from, injected so it runs the same in a worker thread, in a
// test against the simulator, or in a backtest. Options are checked once at construction with
// errors that name the field.
import { SOLE_OWNER, type SymbolOwnership } from './symbol-ownership.js';
import type { Clock } from '../resilience/clock.js';
import type { Store } from '../store/index.js';
import { isValidBotId, type ClientOidFactory } from './client-oid.js';
import type { ExchangePort } from './exchange-port.js';
import type { TradeEventSink } from '../protocol/trade-event.js';
import { CONFIG_DEFAULTS } from '../../config/schema.js';

export interface RiskLimits {
  /** MAX_OPEN_POSITIONS. */
  readonly maxOpenPositions: number;
  /** Configured leverage (capped by each contract's maxLeverage). */
  readonly leverage: number;
  /** Fraction of equity lost at the stop, e.g. 0.01. */
  readonly riskPerTrade: number;
  /** Largest notional one order may carry (settlement currency). */
  readonly maxNotional: number;
  /** Daily loss kill switch, a fraction of start-of-day equity in (0, 1]. */
  readonly dailyLossLimit: number;
}

/** winston's Logger satisfies this. */
export interface ExecutorLogger {
  info(message: string, meta?: Record<string, unknown>): unknown;
  warn(message: string, meta?: Record<string, unknown>): unknown;
  error(message: string, meta?: Record<string, unknown>): unknown;
  debug(message: string, meta?: Record<string, unknown>): unknown;
}

export const SILENT_LOGGER: ExecutorLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
};

export interface OrderExecutorOptions {
  readonly exchange: ExchangePort;
  readonly store: Store;
  readonly limits: RiskLimits;
  readonly clock?: Clock;
  readonly clientOid?: ClientOidFactory;
  readonly onEvent?: TradeEventSink;
  readonly logger?: ExecutorLogger;
  /** Send attempts per order (first try + re-sends with the same clientOid). Default 4. */
  readonly maxSendAttempts?: number;
  /** Backoff between attempts, doubled each time. Default 200 ms. */
  readonly retryDelayMs?: number;
  /** Polls of an accepted order until it is done. Default 10, `fillPollMs` apart (default 100 ms). */
  readonly fillPolls?: number;
  readonly fillPollMs?: number;
  /** How long the active-contract list is trusted. Default 5 minutes. */
  readonly contractsTtlMs?: number;
  /**
   * Stop distance for positions without a signal (adopted on reconcile, or filled while the executor
   * was down): a fraction of the entry price. Default 0.02 (2 x a 1 % fallback risk distance).
   */
  readonly fallbackStopFraction?: number;
  /** ATR multiple for the stop when a signal carries an ATR but no stopPrice. Default 2. */
  readonly atrStopMultiple?: number;
  /**
   * BOT_ID: this instance's namespace on the account (the clientOid prefix). Default: the id kept in
   * the store's journal, created on first use.
   */
  readonly botId?: string;
  /** FOREIGN_POSITIONS: 'protect' puts a reduce-only stop of the bot's own on positions that are not its own. Default 'ignore'. */
  readonly foreignPositions?: 'ignore' | 'protect';
  /** How long a symbol stays contested after the last sign of another bot on it. Default 15 minutes. */
  readonly contestHoldMs?: number;
  /** Symbol ownership among processes on one account (REDIS_URL). Default: this process owns all. */
  readonly ownership?: SymbolOwnership;
  /** Observed durations (order round trip: orderAck, orderFill) for the performance figures. */
  readonly timing?: (name: string, ms: number) => void;
}

export interface ResolvedExecutorOptions extends Required<Omit<OrderExecutorOptions, 'onEvent'>> {
  readonly onEvent: TradeEventSink;
}

function check(field: string, ok: boolean, value: unknown, rule: string): void {
  if (!ok) throw new RangeError(`OrderExecutor: option "${field}" must be ${rule}, got ${String(value)}`);
}

const posInt = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v > 0;
const posNum = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v) && v > 0;
const fraction = (v: unknown): boolean => posNum(v) && (v as number) <= 1;

export function checkLimits(limits: RiskLimits): void {
  check('limits', typeof limits === 'object' && limits !== null, limits, 'an object');
  check(
    'limits.maxOpenPositions',
    typeof limits.maxOpenPositions === 'number' &&
      Number.isInteger(limits.maxOpenPositions) &&
      limits.maxOpenPositions >= 0,
    limits.maxOpenPositions,
    'an integer >= 0',
  );
  check(
    'limits.leverage',
    typeof limits.leverage === 'number' && Number.isFinite(limits.leverage) && limits.leverage >= 1,
    limits.leverage,
    'a finite number >= 1',
  );
  check('limits.riskPerTrade', fraction(limits.riskPerTrade), limits.riskPerTrade, 'a fraction in (0, 1]');
  check(
    'limits.maxNotional',
    typeof limits.maxNotional === 'number' && limits.maxNotional > 0 && !Number.isNaN(limits.maxNotional),
    limits.maxNotional,
    'a positive number',
  );
  check('limits.dailyLossLimit', fraction(limits.dailyLossLimit), limits.dailyLossLimit, 'a fraction in (0, 1]');
}

export interface ExecutorDefaults {
  readonly clock: Clock;
  /** The journal's bot id (created on first use); only called when no botId is given. */
  readonly botId: () => string;
  readonly clientOid: (botId: string, clock: Clock) => ClientOidFactory;
}

export function resolveExecutorOptions(o: OrderExecutorOptions, defaults: ExecutorDefaults): ResolvedExecutorOptions {
  check('exchange', typeof o.exchange === 'object' && o.exchange !== null, o.exchange, 'an exchange client');
  check('store', typeof o.store === 'object' && o.store !== null, o.store, 'an open Store');
  checkLimits(o.limits);
  check('botId', o.botId === undefined || isValidBotId(o.botId), o.botId, '1-12 letters or digits');
  check(
    'foreignPositions',
    o.foreignPositions === undefined || o.foreignPositions === 'ignore' || o.foreignPositions === 'protect',
    o.foreignPositions,
    "'ignore' or 'protect'",
  );
  const clock = o.clock ?? defaults.clock;
  const r: Omit<ResolvedExecutorOptions, 'botId' | 'clientOid'> = {
    exchange: o.exchange,
    store: o.store,
    limits: { ...o.limits },
    clock,
    onEvent: o.onEvent ?? ((): void => undefined),
    logger: o.logger ?? SILENT_LOGGER,
    maxSendAttempts: o.maxSendAttempts ?? 4,
    retryDelayMs: o.retryDelayMs ?? 200,
    fillPolls: o.fillPolls ?? 10,
    fillPollMs: o.fillPollMs ?? 100,
    contractsTtlMs: o.contractsTtlMs ?? 5 * 60_000,
    fallbackStopFraction: o.fallbackStopFraction ?? 0.02,
    atrStopMultiple: o.atrStopMultiple ?? 2,
    foreignPositions: o.foreignPositions ?? CONFIG_DEFAULTS.foreignPositions,
    contestHoldMs: o.contestHoldMs ?? 15 * 60_000,
    ownership: o.ownership ?? SOLE_OWNER,
    timing: o.timing ?? ((): void => undefined),
  };
  check('maxSendAttempts', posInt(r.maxSendAttempts), r.maxSendAttempts, 'a positive integer');
  check('retryDelayMs', typeof r.retryDelayMs === 'number' && r.retryDelayMs >= 0, r.retryDelayMs, 'a number >= 0');
  check('fillPolls', posInt(r.fillPolls), r.fillPolls, 'a positive integer');
  check('fillPollMs', typeof r.fillPollMs === 'number' && r.fillPollMs >= 0, r.fillPollMs, 'a number >= 0');
  check('contractsTtlMs', posNum(r.contractsTtlMs), r.contractsTtlMs, 'a positive number');
  check(
    'fallbackStopFraction',
    posNum(r.fallbackStopFraction) && r.fallbackStopFraction < 0.5,
    r.fallbackStopFraction,
    'a fraction in (0, 0.5)',
  );
  check('atrStopMultiple', posNum(r.atrStopMultiple), r.atrStopMultiple, 'a positive number');
  check('contestHoldMs', typeof r.contestHoldMs === 'number' && r.contestHoldMs >= 0, r.contestHoldMs, 'a number >= 0');
  // Last: the default bot id is read from (or created in) the store, which must be real by now.
  const botId = o.botId ?? defaults.botId();
  return { ...r, botId, clientOid: o.clientOid ?? defaults.clientOid(botId, clock) };
}
