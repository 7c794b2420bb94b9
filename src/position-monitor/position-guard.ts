// The position monitor's trading logic, thread-agnostic. Two entry points the worker loop drives:
//
//   onPrice(symbol, price)  the fast path (every LIVE_LOOP_INTERVAL, latest streamed price): update the
//                           water mark, tighten the trailing stop, decide stop / take-profit, and ask
//                           the executor to close (once) or to move the exchange-side stop.
//   refresh()               the slow path (every POSITION_UPDATE_INTERVAL): re-read the positions from
//                           the executor's view and the exchange over REST, so sizes, marks and PnL stay
//                           true and positions that opened or closed elsewhere are picked up.
//
// Executor calls are fired, not awaited, by onPrice: a slow close must not hold up the checks of
// every other position. Per symbol at most one close and one stop move are in flight; a close that
// was accepted is never sent again while the position is still listed (unless it stays listed for
// closeConfirmMs, which means the close did not take and must be retried).

import type { ExchangeResult } from '../exchange/call-policy.js';
import type { Contract, Position as ExchangePosition } from '../exchange/schemas/index.js';
import type { Clock } from '../resilience/clock.js';
import { exitDecision } from '../risk/exit-decision.js';
import { roundToTick } from '../risk/step-rounding.js';
import { trailingStop } from '../risk/trailing-stop.js';
import type { ExecutorDecision, ExitReason } from '../executor/executor-api.js';
import { describeFailure } from '../scanner/describe-failure.js';
import type { Side } from '../strategy/signal-types.js';

/** Why the guard asks for a close: the exit reasons it decides on by itself. */
export type GuardCloseReason = Extract<ExitReason, 'stop' | 'trailing' | 'take-profit'>;

/** What the guard needs of a position in the executor's view (the store's Position satisfies it). */
export interface GuardPosition {
  /** The executor's position id: a close request names it, and a new id is a new position. */
  readonly id?: number;
  readonly symbol: string;
  readonly side: Side;
  /** Lots, positive. */
  readonly size: number;
  readonly entryPrice: number;
  /** The stop the executor holds (and has placed on the exchange); null when it has none yet. */
  readonly stopPrice: number | null;
  readonly takeProfitPrice: number | null;
  readonly highWaterMark?: number | null;
  readonly lowWaterMark?: number | null;
}

/**
 * The executor RPC as the guard uses it (ExecutorApi's requestExit and moveStop). A decision
 * `{ accepted: false, reason }` counts as a failure, as does a rejection (PeerGoneError,
 * RpcTimeoutError, ...).
 */
export interface GuardExecutor {
  openPositions(): Promise<readonly GuardPosition[]>;
  closePosition(symbol: string, reason: GuardCloseReason, positionId?: number): Promise<ExecutorDecision>;
  moveStop(symbol: string, newStop: number): Promise<ExecutorDecision>;
}

/** The part of KucoinFuturesClient the guard reads (REST). */
export interface GuardClient {
  positions(): Promise<ExchangeResult<ExchangePosition[]>>;
  activeContracts(): Promise<ExchangeResult<Contract[]>>;
}

export interface PositionGuardOptions {
  /** Trailing distance behind the best price, a fraction in (0, 1). Default 0.02 (TRAILING_STOP_PERCENTAGE). */
  trailingStopPercentage?: number;
  /** A stop move at least this fraction of the price is sent at once (subject to minStopGapMs). Default 0.001. */
  minStopStepFraction?: number;
  /** Smaller moves (still at least one tick) are sent at most this often. Default 5000 ms. */
  stopSyncIntervalMs?: number;
  /** Never two stop moves of one symbol closer together than this. Default 1000 ms. */
  minStopGapMs?: number;
  /** After a failed close or stop move, wait this long before asking again. Default 1000 ms. */
  retryDelayMs?: number;
  /** A position still listed this long after an accepted close is closed again. Default 15 000 ms. */
  closeConfirmMs?: number;
  /** How long contract tick sizes are trusted. Default 10 min. */
  contractsRefreshMs?: number;
}

export type ResolvedPositionGuardOptions = Required<PositionGuardOptions>;

export const DEFAULT_POSITION_GUARD_OPTIONS: Readonly<ResolvedPositionGuardOptions> = Object.freeze({
  trailingStopPercentage: 0.02,
  minStopStepFraction: 0.001,
  stopSyncIntervalMs: 5000,
  minStopGapMs: 1000,
  retryDelayMs: 1000,
  closeConfirmMs: 15_000,
  contractsRefreshMs: 600_000,
});

export function resolvePositionGuardOptions(options: PositionGuardOptions = {}): ResolvedPositionGuardOptions {
  const o = { ...DEFAULT_POSITION_GUARD_OPTIONS };
  for (const [k, v] of Object.entries(options) as Array<[keyof PositionGuardOptions, unknown]>)
    if (v !== undefined) o[k] = v as number;
  const pct = o.trailingStopPercentage;
  if (typeof pct !== 'number' || !(pct > 0 && pct < 1)) {
    throw new RangeError(
      `PositionGuardOptions.trailingStopPercentage must be a fraction in (0, 1), got ${String(pct)}`,
    );
  }
  if (typeof o.minStopStepFraction !== 'number' || !(o.minStopStepFraction >= 0 && o.minStopStepFraction < 1)) {
    throw new RangeError(
      `PositionGuardOptions.minStopStepFraction must be in [0, 1), got ${String(o.minStopStepFraction)}`,
    );
  }
  for (const k of [
    'stopSyncIntervalMs',
    'minStopGapMs',
    'retryDelayMs',
    'closeConfirmMs',
    'contractsRefreshMs',
  ] as const) {
    const v = o[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
      throw new RangeError(`PositionGuardOptions.${k} must be a finite number >= 0, got ${String(v)}`);
  }
  return o;
}

/** What onPrice did. */
export type GuardAction =
  | { readonly kind: 'hold'; readonly stop: number | null }
  | { readonly kind: 'close'; readonly reason: GuardCloseReason; readonly price: number }
  | { readonly kind: 'move-stop'; readonly stop: number }
  /** A close is in flight or was accepted: nothing more to do for this position. */
  | { readonly kind: 'closing' }
  | { readonly kind: 'untracked' }
  | { readonly kind: 'ignored'; readonly reason: string };

type CloseState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'in-flight'; readonly reason: GuardCloseReason }
  /** After a failed or refused close, decided for `reason`. */
  | { readonly kind: 'backoff'; readonly until: number; readonly reason: GuardCloseReason }
  | { readonly kind: 'accepted'; readonly at: number };

interface Guarded {
  position: GuardPosition;
  tickSize: number | null;
  highWater: number;
  lowWater: number;
  /** The stop the guard enforces: the executor's, tightened by trailing. */
  stop: number | null;
  /** The executor's original stop, to tell a trailing exit from a plain stop-loss. */
  initialStop: number | null;
  /** The stop the exchange holds, as far as the guard knows. */
  exchangeStop: number | null;
  close: CloseState;
  moveInFlight: boolean;
  lastMoveAt: number;
  moveBackoffUntil: number;
  lastPrice: number | null;
  lastPriceAt: number | null;
  mark: number | null;
  exchangeQty: number | null;
  unrealisedPnl: number | null;
}

/** One open position as the guard sees it (for the status page and the health report). */
export interface GuardedPositionView {
  readonly symbol: string;
  readonly side: Side;
  readonly size: number;
  readonly entryPrice: number;
  readonly stop: number | null;
  readonly exchangeStop: number | null;
  readonly takeProfit: number | null;
  readonly highWater: number;
  readonly lowWater: number;
  readonly lastPrice: number | null;
  readonly lastPriceAt: number | null;
  readonly mark: number | null;
  /** Signed lots on the exchange at the last refresh (null when not read yet). */
  readonly exchangeQty: number | null;
  readonly unrealisedPnl: number | null;
  readonly closing: boolean;
}

export interface RefreshReport {
  readonly positions: number;
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /** Open on the exchange but unknown to the executor (its reconciliation should adopt them). */
  readonly exchangeOnly: readonly string[];
  /** Known to the executor but flat on the exchange (closed by the exchange stop or liquidated). */
  readonly flatOnExchange: readonly string[];
  readonly errors: readonly string[];
}

export interface PositionGuardMetrics {
  /** Positions refreshed from the executor's and the exchange's view (one per position per refresh). */
  readonly positionUpdates: number;
  /** Prices evaluated by onPrice against an open position. */
  readonly priceChecks: number;
  readonly closesRequested: number;
  readonly stopMovesRequested: number;
  readonly errors: number;
  readonly openPositions: number;
  readonly lastPrices: Readonly<Record<string, number>>;
  readonly lastError: string | null;
}

export interface PositionGuardDeps {
  readonly executor: GuardExecutor;
  readonly client: GuardClient;
  readonly clock: Clock;
  readonly options?: PositionGuardOptions;
  /** Every failure the guard absorbed (for the worker's log). */
  readonly onError?: (message: string) => void;
}

/** True when `next` is a tighter stop than `current` for this side. */
function tighter(side: Side, next: number, current: number): boolean {
  return side === 'long' ? next > current : next < current;
}

export class PositionGuard {
  readonly options: ResolvedPositionGuardOptions;
  private readonly deps: PositionGuardDeps;
  private readonly guarded = new Map<string, Guarded>();
  private readonly inFlight = new Set<Promise<void>>();
  private tickSizes = new Map<string, number>();
  private tickSizesAt = Number.NEGATIVE_INFINITY;
  private counters = { positionUpdates: 0, priceChecks: 0, closesRequested: 0, stopMovesRequested: 0, errors: 0 };
  private lastError: string | null = null;

  constructor(deps: PositionGuardDeps) {
    this.deps = deps;
    this.options = resolvePositionGuardOptions(deps.options);
  }

  /** Symbols currently guarded (what the PriceFeed should subscribe to). */
  symbols(): string[] {
    return [...this.guarded.keys()];
  }

  // ---- fast path ------------------------------------------------------------------------------

  onPrice(symbol: string, price: number): GuardAction {
    const g = this.guarded.get(symbol);
    if (!g) return { kind: 'untracked' };
    if (typeof price !== 'number' || !Number.isFinite(price) || price <= 0) {
      // A NaN price is a bug upstream: never a reason to close, never silently a 'hold'.
      this.fail(`${symbol}: ignored non-positive or non-finite price ${String(price)}`);
      return { kind: 'ignored', reason: `bad price ${String(price)}` };
    }
    const now = this.deps.clock.now();
    g.lastPrice = price;
    g.lastPriceAt = now;
    this.counters.priceChecks += 1;
    if (g.close.kind === 'in-flight') return { kind: 'closing' };
    if (g.close.kind === 'accepted') {
      if (now - g.close.at < this.options.closeConfirmMs) return { kind: 'closing' };
      // Accepted long ago and still listed: the close did not take. Try again.
      this.fail(`${symbol}: still open ${now - g.close.at} ms after its close was accepted; closing again`);
      g.close = { kind: 'idle' };
    }

    if (price > g.highWater) g.highWater = price;
    if (price < g.lowWater) g.lowWater = price;
    const p = g.position;
    let waitingTakeProfit = false;

    try {
      if (g.stop === null && g.tickSize !== null) {
        // No stop at all (adopted, or the executor's stop placement failed): start one trailing
        // distance from the entry, so the position is never unguarded.
        g.stop = this.defaultStop(p.side, p.entryPrice, g.tickSize);
        g.initialStop = g.stop;
      }
      if (g.stop !== null && g.tickSize !== null) {
        g.stop = trailingStop({
          side: p.side,
          entry: p.entryPrice,
          highWater: g.highWater,
          lowWater: g.lowWater,
          currentStop: g.stop,
          trailingPct: this.options.trailingStopPercentage,
          tickSize: g.tickSize,
        });
      }
      const decision =
        g.stop !== null
          ? exitDecision({
              side: p.side,
              mark: price,
              stop: g.stop,
              ...(p.takeProfitPrice !== null ? { takeProfit: p.takeProfitPrice } : {}),
            })
          : this.takeProfitOnly(p, price);
      if (decision !== 'hold') {
        const reason: GuardCloseReason =
          decision === 'take-profit'
            ? 'take-profit'
            : g.initialStop !== null && g.stop !== null && tighter(p.side, g.stop, g.initialStop)
              ? 'trailing'
              : 'stop';
        // A take-profit the executor could not fill (its target gone from the book) never holds back
        // a protective exit: the stop or trailing stop goes at once.
        const heldBack =
          g.close.kind === 'backoff' &&
          now < g.close.until &&
          !(g.close.reason === 'take-profit' && reason !== 'take-profit');
        if (!heldBack) {
          this.requestClose(g, reason);
          return { kind: 'close', reason, price };
        }
        // A take-profit waiting to retry (its target not on the book) still trails the exchange stop:
        // the price may sit past the target for long, and the exchange stop is what holds if we die.
        if (!(g.close.kind === 'backoff' && g.close.reason === 'take-profit')) return { kind: 'closing' };
        waitingTakeProfit = true;
      }
    } catch (e) {
      this.fail(`${symbol}: ${describeFailure(e)}`);
      return { kind: 'ignored', reason: describeFailure(e) };
    }

    if (this.shouldMoveStop(g, price, now)) {
      const stop = g.stop as number;
      this.requestMoveStop(g, stop, now);
      return { kind: 'move-stop', stop };
    }
    return waitingTakeProfit ? { kind: 'closing' } : { kind: 'hold', stop: g.stop };
  }

  // ---- slow path ------------------------------------------------------------------------------

  async refresh(): Promise<RefreshReport> {
    const errors: string[] = [];
    let executorView: readonly GuardPosition[];
    try {
      executorView = await this.deps.executor.openPositions();
    } catch (e) {
      const message = `executor positions: ${describeFailure(e)}`;
      this.fail(message);
      return {
        positions: this.guarded.size,
        added: [],
        removed: [],
        exchangeOnly: [],
        flatOnExchange: [],
        errors: [message],
      };
    }
    let exchangeView: ExchangePosition[] | null = null;
    try {
      exchangeView = (await this.deps.client.positions()).data;
    } catch (e) {
      // The executor's view still drives the guard; only marks and PnL go stale.
      const message = `exchange positions: ${describeFailure(e)}`;
      this.fail(message);
      errors.push(message);
    }

    const listed = new Map<string, GuardPosition>();
    for (const p of executorView) {
      if (!(p.size > 0) || !(p.entryPrice > 0) || (p.side !== 'long' && p.side !== 'short')) {
        const message = `${p.symbol}: executor position is malformed (side ${String(p.side)}, size ${p.size}, entry ${p.entryPrice})`;
        this.fail(message);
        errors.push(message);
        continue;
      }
      listed.set(p.symbol, p);
    }

    const added: string[] = [];
    const removed: string[] = [];
    for (const symbol of [...this.guarded.keys()]) {
      if (!listed.has(symbol)) {
        this.guarded.delete(symbol);
        removed.push(symbol);
      }
    }
    const unknownTicks = [...listed.keys()].filter((s) => !this.tickSizes.has(s));
    const tickError = await this.loadTickSizes(unknownTicks.length > 0);
    if (tickError) errors.push(tickError);

    for (const [symbol, p] of listed) {
      const tickSize = this.tickSizes.get(symbol) ?? null;
      const g = this.guarded.get(symbol);
      if (!g) {
        this.guarded.set(symbol, this.track(p, tickSize));
        added.push(symbol);
      } else {
        this.update(g, p, tickSize);
      }
      this.counters.positionUpdates += 1;
    }

    const exchangeOnly: string[] = [];
    const flatOnExchange: string[] = [];
    if (exchangeView !== null) {
      const bySymbol = new Map(exchangeView.filter((x) => x.isOpen && x.currentQty !== 0).map((x) => [x.symbol, x]));
      for (const [symbol, g] of this.guarded) {
        const x = bySymbol.get(symbol);
        g.exchangeQty = x?.currentQty ?? 0;
        g.mark = x?.markPrice ?? g.mark;
        g.unrealisedPnl = x?.unrealisedPnl ?? null;
        if (!x) flatOnExchange.push(symbol);
      }
      for (const symbol of bySymbol.keys()) if (!this.guarded.has(symbol)) exchangeOnly.push(symbol);
    }
    return { positions: this.guarded.size, added, removed, exchangeOnly, flatOnExchange, errors };
  }

  // ---- observation ----------------------------------------------------------------------------

  metrics(): PositionGuardMetrics {
    const lastPrices: Record<string, number> = {};
    for (const [symbol, g] of this.guarded) if (g.lastPrice !== null) lastPrices[symbol] = g.lastPrice;
    return { ...this.counters, openPositions: this.guarded.size, lastPrices, lastError: this.lastError };
  }

  positions(): GuardedPositionView[] {
    return [...this.guarded.values()].map((g) => ({
      symbol: g.position.symbol,
      side: g.position.side,
      size: g.position.size,
      entryPrice: g.position.entryPrice,
      stop: g.stop,
      exchangeStop: g.exchangeStop,
      takeProfit: g.position.takeProfitPrice,
      highWater: g.highWater,
      lowWater: g.lowWater,
      lastPrice: g.lastPrice,
      lastPriceAt: g.lastPriceAt,
      mark: g.mark,
      exchangeQty: g.exchangeQty,
      unrealisedPnl: g.unrealisedPnl,
      closing: g.close.kind === 'in-flight' || g.close.kind === 'accepted',
    }));
  }

  /** Resolves once every executor call fired so far has settled (tests; flush on shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  // ---- internals ------------------------------------------------------------------------------

  private track(p: GuardPosition, tickSize: number | null): Guarded {
    const high = Math.max(p.entryPrice, p.highWaterMark ?? p.entryPrice);
    const low = Math.min(p.entryPrice, p.lowWaterMark ?? p.entryPrice);
    return {
      position: p,
      tickSize,
      highWater: high,
      lowWater: low,
      stop: p.stopPrice,
      initialStop: p.stopPrice,
      exchangeStop: p.stopPrice,
      close: { kind: 'idle' },
      moveInFlight: false,
      lastMoveAt: Number.NEGATIVE_INFINITY,
      moveBackoffUntil: Number.NEGATIVE_INFINITY,
      lastPrice: null,
      lastPriceAt: null,
      mark: null,
      exchangeQty: null,
      unrealisedPnl: null,
    };
  }

  private update(g: Guarded, p: GuardPosition, tickSize: number | null): void {
    if (p.id !== g.position.id || p.side !== g.position.side || p.entryPrice !== g.position.entryPrice) {
      // A different position under the same symbol (closed and reopened between refreshes).
      Object.assign(g, this.track(p, tickSize));
      return;
    }
    g.position = p;
    g.tickSize = tickSize;
    if (p.highWaterMark != null && p.highWaterMark > g.highWater) g.highWater = p.highWaterMark;
    if (p.lowWaterMark != null && p.lowWaterMark < g.lowWater) g.lowWater = p.lowWaterMark;
    if (p.stopPrice !== null) {
      // The executor's stop is what the exchange holds. Its view may lag a move the guard just saw
      // accepted, so the guard's belief only ever tightens; its enforced stop never loosens.
      if (g.exchangeStop === null || tighter(p.side, p.stopPrice, g.exchangeStop)) g.exchangeStop = p.stopPrice;
      if (g.stop === null || tighter(p.side, p.stopPrice, g.stop)) g.stop = p.stopPrice;
      if (g.initialStop === null) g.initialStop = p.stopPrice;
    }
  }

  private defaultStop(side: Side, entry: number, tick: number): number {
    const pct = this.options.trailingStopPercentage;
    return side === 'long' ? roundToTick(entry * (1 - pct), tick, 'down') : roundToTick(entry * (1 + pct), tick, 'up');
  }

  private takeProfitOnly(p: GuardPosition, price: number): 'take-profit' | 'hold' {
    if (p.takeProfitPrice === null) return 'hold';
    return (p.side === 'long' ? price >= p.takeProfitPrice : price <= p.takeProfitPrice) ? 'take-profit' : 'hold';
  }

  private shouldMoveStop(g: Guarded, price: number, now: number): boolean {
    if (g.stop === null || g.tickSize === null || g.moveInFlight) return false;
    if (now < g.moveBackoffUntil || now - g.lastMoveAt < this.options.minStopGapMs) return false;
    if (g.exchangeStop === null) return true; // unprotected on the exchange: place one now
    if (!tighter(g.position.side, g.stop, g.exchangeStop)) return false;
    const diff = Math.abs(g.stop - g.exchangeStop);
    // Tolerance: the two stops are tick-rounded doubles; a whole tick apart may differ by an ulp.
    if (diff < g.tickSize * (1 - 1e-9)) return false;
    return diff >= this.options.minStopStepFraction * price || now - g.lastMoveAt >= this.options.stopSyncIntervalMs;
  }

  private requestClose(g: Guarded, reason: GuardCloseReason): void {
    const symbol = g.position.symbol;
    g.close = { kind: 'in-flight', reason };
    this.counters.closesRequested += 1;
    this.trackCall(
      this.deps.executor.closePosition(symbol, reason, g.position.id).then(
        (decision) => {
          if (decision.accepted) {
            g.close = { kind: 'accepted', at: this.deps.clock.now() };
            return;
          }
          this.fail(`${symbol}: close (${reason}) refused: ${decision.reason}`);
          g.close = { kind: 'backoff', until: this.deps.clock.now() + this.options.retryDelayMs, reason };
        },
        (e: unknown) => {
          this.fail(`${symbol}: close (${reason}) failed: ${describeFailure(e)}`);
          g.close = { kind: 'backoff', until: this.deps.clock.now() + this.options.retryDelayMs, reason };
        },
      ),
    );
  }

  private requestMoveStop(g: Guarded, stop: number, now: number): void {
    const symbol = g.position.symbol;
    g.moveInFlight = true;
    g.lastMoveAt = now;
    this.counters.stopMovesRequested += 1;
    this.trackCall(
      this.deps.executor.moveStop(symbol, stop).then(
        (decision) => {
          g.moveInFlight = false;
          if (decision.accepted) {
            if (g.exchangeStop === null || tighter(g.position.side, stop, g.exchangeStop)) g.exchangeStop = stop;
            return;
          }
          this.fail(`${symbol}: stop move to ${stop} refused: ${decision.reason}`);
          g.moveBackoffUntil = this.deps.clock.now() + this.options.retryDelayMs;
        },
        (e: unknown) => {
          g.moveInFlight = false;
          this.fail(`${symbol}: stop move to ${stop} failed: ${describeFailure(e)}`);
          g.moveBackoffUntil = this.deps.clock.now() + this.options.retryDelayMs;
        },
      ),
    );
  }

  private trackCall(p: Promise<void>): void {
    const settled = p.finally(() => this.inFlight.delete(settled));
    this.inFlight.add(settled);
  }

  /** Loads tick sizes when a symbol is new or the cache is old; returns an error line on failure. */
  private async loadTickSizes(missing: boolean): Promise<string | null> {
    const now = this.deps.clock.now();
    if (!missing && now - this.tickSizesAt < this.options.contractsRefreshMs) return null;
    try {
      const { data } = await this.deps.client.activeContracts();
      this.tickSizes = new Map(data.map((c) => [c.symbol, c.tickSize]));
      this.tickSizesAt = now;
      return null;
    } catch (e) {
      // Without a tick size trailing pauses; the executor's stop and take-profit still apply.
      const message = `contracts: ${describeFailure(e)}`;
      this.fail(message);
      return message;
    }
  }

  private fail(message: string): void {
    this.counters.errors += 1;
    this.lastError = message;
    try {
      this.deps.onError?.(message);
    } catch {
      // Logging must never break guarding.
    }
  }
}
