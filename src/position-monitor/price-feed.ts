// Latest price per symbol for the position monitor's fast loop: WebSocket tickers (tickerV2, best
// bid/ask) for the symbols with open positions, re-subscribed as positions come and go, with a REST
// ticker fallback for any symbol whose stream has been silent for staleAfterMs (socket down, topic
// not acknowledged, venue quiet). The price is the bid/ask midpoint from either source, so the two
// never disagree by a spread.

import type { ExchangeResult } from '../exchange/call-policy.js';
import type { StreamTicker, Ticker } from '../exchange/schemas/index.js';
import type { Clock } from '../resilience/clock.js';
import type { Disposable } from '../resilience/event.js';
import { describeFailure } from '../scanner/describe-failure.js';

/** What PriceFeed needs of a FuturesStream. */
export interface TickerStream {
  readonly state: string;
  connect(): Promise<void>;
  subscribeTicker(symbol: string, listener: (ticker: StreamTicker) => void): Promise<Disposable>;
  close(): Promise<void>;
}

/** The part of KucoinFuturesClient PriceFeed uses. */
export interface PriceFeedClient {
  publicStream(): TickerStream;
  ticker(symbol: string): Promise<ExchangeResult<Ticker>>;
}

export interface PriceFeedOptions {
  /** A symbol with no stream update for this long is read over REST. Default 3000 ms. */
  staleAfterMs?: number;
  /** At most one REST ticker per symbol per this interval. Default staleAfterMs. */
  restIntervalMs?: number;
}

export interface PriceQuote {
  readonly symbol: string;
  /** Bid/ask midpoint (the last trade price when the book side is empty). */
  readonly price: number;
  readonly bid: number;
  readonly ask: number;
  /** Local receipt time (clock ms). */
  readonly at: number;
  readonly source: 'stream' | 'rest';
}

export interface PriceFeedDeps {
  readonly client: PriceFeedClient;
  readonly clock: Clock;
  readonly options?: PriceFeedOptions;
  readonly onError?: (message: string) => void;
  /**
   * Called with every streamed quote as it arrives, so stops and take-profits are checked on the
   * tick rather than at the next LIVE_LOOP_INTERVAL step (reaction time). Must not throw.
   */
  readonly onQuote?: (quote: PriceQuote) => void;
}

function midpoint(bid: number, ask: number, fallback: number): number {
  return bid > 0 && ask > 0 && ask >= bid ? (bid + ask) / 2 : fallback;
}

export class PriceFeed {
  private readonly deps: PriceFeedDeps;
  private readonly staleAfterMs: number;
  private readonly restIntervalMs: number;
  private stream: TickerStream | null = null;
  private connecting: Promise<boolean> | null = null;
  private readonly wanted = new Set<string>();
  private readonly subscriptions = new Map<string, Disposable>();
  private readonly pendingSubscribe = new Set<string>();
  private readonly quotes = new Map<string, PriceQuote>();
  /** Last stream update per symbol (receipt time). */
  private readonly streamAt = new Map<string, number>();
  /** Stream updates per symbol, so a REST answer never overwrites a newer stream quote. */
  private readonly streamSeq = new Map<string, number>();
  private readonly restAt = new Map<string, number>();
  /** When each symbol became wanted: a new symbol counts as stale only after staleAfterMs. */
  private readonly wantedSince = new Map<string, number>();
  private closed = false;

  constructor(deps: PriceFeedDeps) {
    this.deps = deps;
    const stale = deps.options?.staleAfterMs ?? 3000;
    if (!(stale > 0) || !Number.isFinite(stale))
      throw new RangeError(`PriceFeedOptions.staleAfterMs must be a positive number, got ${String(stale)}`);
    const rest = deps.options?.restIntervalMs ?? stale;
    if (!(rest >= 0) || !Number.isFinite(rest))
      throw new RangeError(`PriceFeedOptions.restIntervalMs must be a finite number >= 0, got ${String(rest)}`);
    this.staleAfterMs = stale;
    this.restIntervalMs = rest;
  }

  latest(symbol: string): PriceQuote | undefined {
    return this.quotes.get(symbol);
  }

  /**
   * Follow exactly these symbols: subscribe the new ones, drop the others. Never throws; a failed
   * connect or subscribe is retried on the next call (the REST fallback covers the gap).
   */
  async setSymbols(symbols: Iterable<string>): Promise<void> {
    if (this.closed) return;
    const next = new Set(symbols);
    const now = this.deps.clock.now();
    for (const symbol of [...this.wanted]) {
      if (next.has(symbol)) continue;
      this.wanted.delete(symbol);
      this.wantedSince.delete(symbol);
      this.subscriptions.get(symbol)?.dispose();
      this.subscriptions.delete(symbol);
      this.quotes.delete(symbol);
      this.streamAt.delete(symbol);
      this.streamSeq.delete(symbol);
      this.restAt.delete(symbol);
    }
    for (const symbol of next) {
      if (!this.wanted.has(symbol)) {
        this.wanted.add(symbol);
        this.wantedSince.set(symbol, now);
      }
    }
    const missing = [...this.wanted].filter((s) => !this.subscriptions.has(s) && !this.pendingSubscribe.has(s));
    if (missing.length === 0) return;
    if (!(await this.ensureConnected())) return;
    await Promise.all(missing.map((s) => this.subscribe(s)));
  }

  /**
   * REST tickers for wanted symbols whose stream has been silent for staleAfterMs (rate-limited per
   * symbol by restIntervalMs). Returns the symbols read. Also retries a failed connect/subscribe.
   */
  async pollStale(): Promise<string[]> {
    if (this.closed) return [];
    const now = this.deps.clock.now();
    const stale = [...this.wanted].filter((symbol) => {
      const heard = this.streamAt.get(symbol) ?? this.wantedSince.get(symbol) ?? now;
      const quote = this.quotes.get(symbol);
      const silent = now - heard >= this.staleAfterMs || (quote === undefined && !this.subscriptions.has(symbol));
      return silent && now - (this.restAt.get(symbol) ?? Number.NEGATIVE_INFINITY) >= this.restIntervalMs;
    });
    const read: string[] = [];
    await Promise.all(
      stale.map(async (symbol) => {
        this.restAt.set(symbol, now);
        const seqBefore = this.streamSeq.get(symbol) ?? 0;
        try {
          const { data } = await this.deps.client.ticker(symbol);
          if (!this.wanted.has(symbol) || this.closed) return;
          // A stream update that arrived while the REST call was out is newer: keep it.
          if ((this.streamSeq.get(symbol) ?? 0) !== seqBefore) return;
          this.quotes.set(symbol, {
            symbol,
            price: midpoint(data.bestBidPrice, data.bestAskPrice, data.price),
            bid: data.bestBidPrice,
            ask: data.bestAskPrice,
            at: this.deps.clock.now(),
            source: 'rest',
          });
          read.push(symbol);
        } catch (e) {
          this.fail(`${symbol}: REST ticker: ${describeFailure(e)}`);
        }
      }),
    );
    const unsubscribed = [...this.wanted].filter((s) => !this.subscriptions.has(s) && !this.pendingSubscribe.has(s));
    if (unsubscribed.length > 0 && (await this.ensureConnected()))
      await Promise.all(unsubscribed.map((s) => this.subscribe(s)));
    return read;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const d of this.subscriptions.values()) d.dispose();
    this.subscriptions.clear();
    this.wanted.clear();
    await this.connecting;
    const stream = this.stream;
    this.stream = null;
    await stream?.close();
  }

  // ---- internals ------------------------------------------------------------------------------

  private async ensureConnected(): Promise<boolean> {
    // Once connected, the stream reconnects and re-subscribes by itself ('reconnecting' is fine).
    if (this.stream) return true;
    if (!this.connecting) {
      this.connecting = (async () => {
        const stream = this.deps.client.publicStream();
        try {
          await stream.connect();
        } catch (e) {
          // A stream whose first connect failed never retries on its own: drop it, retry next call.
          this.fail(`stream connect: ${describeFailure(e)}`);
          await stream.close().catch(() => undefined);
          return false;
        } finally {
          this.connecting = null;
        }
        if (this.closed) {
          await stream.close();
          return false;
        }
        this.stream = stream;
        return true;
      })();
    }
    return this.connecting;
  }

  private async subscribe(symbol: string): Promise<void> {
    const stream = this.stream;
    if (!stream || this.closed) return;
    this.pendingSubscribe.add(symbol);
    try {
      const sub = await stream.subscribeTicker(symbol, (t) => this.onTicker(symbol, t));
      if (!this.wanted.has(symbol) || this.closed) {
        sub.dispose();
        return;
      }
      this.subscriptions.set(symbol, sub);
    } catch (e) {
      this.fail(`${symbol}: ticker subscribe: ${describeFailure(e)}`);
    } finally {
      this.pendingSubscribe.delete(symbol);
    }
  }

  private onTicker(symbol: string, t: StreamTicker): void {
    if (!this.wanted.has(symbol) || t.symbol !== symbol) return;
    const price = midpoint(t.bestBidPrice, t.bestAskPrice, Number.NaN);
    if (!Number.isFinite(price)) {
      this.fail(`${symbol}: stream ticker without a usable bid/ask (${t.bestBidPrice}/${t.bestAskPrice})`);
      return;
    }
    const now = this.deps.clock.now();
    this.streamAt.set(symbol, now);
    this.streamSeq.set(symbol, (this.streamSeq.get(symbol) ?? 0) + 1);
    const quote: PriceQuote = { symbol, price, bid: t.bestBidPrice, ask: t.bestAskPrice, at: now, source: 'stream' };
    this.quotes.set(symbol, quote);
    try {
      this.deps.onQuote?.(quote);
    } catch (e) {
      this.fail(`${symbol}: quote listener: ${describeFailure(e)}`);
    }
  }

  private fail(message: string): void {
    try {
      this.deps.onError?.(message);
    } catch {
      // Logging must never break the feed.
    }
  }
}
