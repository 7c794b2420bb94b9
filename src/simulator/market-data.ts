// Public market data derived from the price paths: ticker, order book, klines, contract details,
// funding rates. Everything is a pure function of (seed, symbol, sim time), so the ticker, the
// level2 snapshot and the mark price always agree with each other.
import { decimalsOf, roundToStep, type ContractSpec } from './contracts-catalogue.js';
import type { PricePaths } from './price-path.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
export const FUNDING_INTERVAL_MS = 8 * HOUR;

export type BookLevel = readonly [price: number, size: number];

export interface Book {
  readonly sequence: number;
  readonly bids: readonly BookLevel[];
  readonly asks: readonly BookLevel[];
}

export interface TopOfBook {
  readonly bid: number;
  readonly ask: number;
  readonly last: number;
  readonly mark: number;
}

/** Kline row exactly as KuCoin sends it: [timeMs, open, high, low, close, volume]. */
export type KlineRow = [number, number, number, number, number, number];

export class MarketData {
  private readonly specs = new Map<string, ContractSpec>();

  constructor(
    readonly contracts: readonly ContractSpec[],
    readonly paths: PricePaths,
  ) {
    for (const c of contracts) this.specs.set(c.symbol, c);
  }

  spec(symbol: string): ContractSpec | undefined {
    return this.specs.get(symbol);
  }

  /** Mark price: the fair path price at index-price precision. */
  markPrice(symbol: string, t: number): number {
    const spec = this.mustSpec(symbol);
    return roundToStep(this.paths.price(symbol, t), this.indexTick(spec));
  }

  top(symbol: string, t: number): TopOfBook {
    const spec = this.mustSpec(symbol);
    const fair = this.paths.price(symbol, t);
    const step = this.levelStep(spec, fair);
    const bid = roundToStep(fair - step / 2, spec.tickSize, 'floor');
    const ask = roundToStep(bid + step, spec.tickSize);
    const last = Math.min(ask, Math.max(bid, roundToStep(fair, spec.tickSize)));
    return { bid, ask, last, mark: roundToStep(fair, this.indexTick(spec)) };
  }

  /** Order book around the fair price; sizes change every simulated second. */
  book(symbol: string, t: number, depth: number): Book {
    const spec = this.mustSpec(symbol);
    const top = this.top(symbol, t);
    const step = this.levelStep(spec, this.paths.price(symbol, t));
    const second = Math.floor(t / 1000);
    const baseLots = this.baseDepthLots(spec);
    const bids: BookLevel[] = [];
    const asks: BookLevel[] = [];
    for (let i = 0; i < depth; i++) {
      const sizeOf = (side: number): number =>
        Math.max(1, Math.round(baseLots * (1 + 0.35 * i) * (0.4 + this.paths.unit(symbol, second, i, side))));
      const bidPx = roundToStep(top.bid - i * step, spec.tickSize);
      if (bidPx > 0) bids.push([bidPx, sizeOf(1)]);
      asks.push([roundToStep(top.ask + i * step, spec.tickSize), sizeOf(2)]);
    }
    return { sequence: this.sequence(t), bids, asks };
  }

  sequence(t: number): number {
    // Monotone in sim time; ten per millisecond leaves room for the same-ms pushes.
    return Math.floor(t) * 10;
  }

  ticker(symbol: string, t: number): Record<string, unknown> {
    const spec = this.mustSpec(symbol);
    const book = this.book(symbol, t, 1);
    const top = this.top(symbol, t);
    const prev = this.top(symbol, t - 1000);
    const d = decimalsOf(spec.tickSize);
    const seq = this.sequence(t);
    return {
      sequence: seq,
      symbol,
      side: top.last >= prev.last ? 'buy' : 'sell',
      size: Math.max(
        1,
        Math.round(this.baseDepthLots(spec) * 0.05 * (0.2 + this.paths.unit(symbol, Math.floor(t / 1000), 77))),
      ),
      tradeId: String(seq),
      price: top.last.toFixed(d),
      bestBidPrice: top.bid.toFixed(d),
      bestBidSize: book.bids[0]?.[1] ?? 0,
      bestAskPrice: top.ask.toFixed(d),
      bestAskSize: book.asks[0]?.[1] ?? 0,
      ts: nanos(t),
    };
  }

  level2(symbol: string, t: number, depth: number): Record<string, unknown> {
    const book = this.book(symbol, t, depth);
    return { sequence: book.sequence, symbol, bids: book.bids, asks: book.asks, ts: nanos(t) };
  }

  /**
   * Candles whose start lies in [from, to], newest last, at most `limit` (KuCoin caps at 500 and
   * keeps the most recent ones). The candle still forming at `now` ends at `now`.
   */
  klines(symbol: string, granularityMin: number, from: number, to: number, now: number, limit = 500): KlineRow[] {
    const spec = this.mustSpec(symbol);
    const g = granularityMin * MINUTE;
    const last = Math.floor(Math.min(to, now) / g) * g;
    let first = Math.ceil(from / g) * g;
    if (last < first) return [];
    if ((last - first) / g + 1 > limit) first = last - (limit - 1) * g;
    const rows: KlineRow[] = [];
    for (let t0 = first; t0 <= last; t0 += g) {
      const t1 = Math.min(t0 + g, now);
      const c = this.paths.candle(symbol, t0, t1, t0 + g <= now);
      rows.push([
        t0,
        this.px(spec, c.open),
        this.px(spec, c.high),
        this.px(spec, c.low),
        this.px(spec, c.close),
        c.volume,
      ]);
    }
    return rows;
  }

  /** Funding rate that settles at the end of the 8 h period containing `t`. */
  fundingRate(symbol: string, t: number): number {
    const period = Math.floor(t / FUNDING_INTERVAL_MS);
    return this.fundingRateOfPeriod(symbol, period);
  }

  fundingRateOfPeriod(symbol: string, period: number): number {
    // Mostly positive (longs pay), as on real perpetuals, within KuCoin's ±0.3 % cap.
    const u = this.paths.unit(symbol, period, 4242);
    return Number((0.0001 + (u - 0.35) * 0.0004).toFixed(6));
  }

  nextFundingTime(t: number): number {
    return (Math.floor(t / FUNDING_INTERVAL_MS) + 1) * FUNDING_INTERVAL_MS;
  }

  fundingRateWire(symbol: string, t: number): Record<string, unknown> {
    const period = Math.floor(t / FUNDING_INTERVAL_MS);
    return {
      symbol: `.${symbol}FPI8H`,
      granularity: FUNDING_INTERVAL_MS,
      timePoint: period * FUNDING_INTERVAL_MS,
      value: this.fundingRateOfPeriod(symbol, period),
      predictedValue: this.fundingRateOfPeriod(symbol, period + 1),
      fundingRateCap: 0.003,
      fundingRateFloor: -0.003,
      period: 0,
      fundingTime: this.nextFundingTime(t),
    };
  }

  /** The contract as GET /api/v1/contracts/active lists it. */
  contractWire(symbol: string, t: number): Record<string, unknown> {
    const spec = this.mustSpec(symbol);
    const top = this.top(symbol, t);
    const minute = Math.floor(t / MINUTE) * MINUTE;
    const day = this.paths.candle(symbol, minute - 24 * HOUR, minute, true);
    const lots = day.volume;
    const turnover = lots * spec.multiplier * ((day.open + day.close) / 2);
    const initialMargin = Number((1 / spec.maxLeverage).toFixed(6));
    const maxRiskLimit = spec.maxLeverage >= 100 ? 100000 : 20000;
    return {
      symbol,
      rootSymbol: 'USDT',
      type: 'FFWCSX',
      firstOpenDate: 1585555200000,
      expireDate: null,
      settleDate: null,
      baseCurrency: spec.base,
      quoteCurrency: 'USDT',
      settleCurrency: 'USDT',
      maxOrderQty: 1000000,
      maxPrice: 1000000,
      lotSize: 1,
      tickSize: spec.tickSize,
      indexPriceTickSize: this.indexTick(spec),
      multiplier: spec.multiplier,
      initialMargin,
      maintainMargin: Number((initialMargin / 2).toFixed(6)),
      maxRiskLimit,
      minRiskLimit: maxRiskLimit,
      riskStep: maxRiskLimit / 2,
      makerFeeRate: 0.0002,
      takerFeeRate: 0.0006,
      takerFixFee: 0,
      makerFixFee: 0,
      settlementFee: null,
      isDeleverage: true,
      isQuanto: false,
      isInverse: false,
      markMethod: 'FairPrice',
      fairMethod: 'FundingRate',
      fundingBaseSymbol: `.${spec.base}INT8H`,
      fundingQuoteSymbol: '.USDTINT8H',
      fundingRateSymbol: `.${symbol}FPI8H`,
      indexSymbol: `.K${spec.base}USDT`,
      settlementSymbol: '',
      status: 'Open',
      fundingFeeRate: this.fundingRate(symbol, t),
      predictedFundingFeeRate: this.fundingRateOfPeriod(symbol, Math.floor(t / FUNDING_INTERVAL_MS) + 1),
      fundingRateGranularity: FUNDING_INTERVAL_MS,
      fundingRateCap: 0.003,
      fundingRateFloor: -0.003,
      openInterest: String(Math.round(lots * 0.6)),
      turnoverOf24h: Number(turnover.toFixed(4)),
      volumeOf24h: Number((lots * spec.multiplier).toFixed(6)),
      markPrice: top.mark,
      indexPrice: top.mark,
      lastTradePrice: top.last,
      nextFundingRateTime: this.nextFundingTime(t) - t,
      nextFundingRateDateTime: this.nextFundingTime(t),
      maxLeverage: spec.maxLeverage,
      sourceExchanges: ['kucoin', 'binance', 'okex', 'bybit'],
      lowPrice: this.px(spec, day.low),
      highPrice: this.px(spec, day.high),
      priceChgPct: Number(((day.close - day.open) / day.open).toFixed(4)),
      priceChg: this.px(spec, day.close - day.open),
      supportCross: true,
      period: FUNDING_INTERVAL_MS,
    };
  }

  private px(spec: ContractSpec, value: number): number {
    return roundToStep(value, spec.tickSize);
  }

  private indexTick(spec: ContractSpec): number {
    return Number((spec.tickSize / 10).toPrecision(1));
  }

  /** Distance between book levels: about half a basis point, never under one tick. */
  private levelStep(spec: ContractSpec, fair: number): number {
    const ticks = Math.max(1, Math.round((fair * 0.00005) / spec.tickSize));
    return ticks * spec.tickSize;
  }

  /** Lots resting at the best level: roughly a tenth of a typical minute's volume. */
  private baseDepthLots(spec: ContractSpec): number {
    const lotsPerMinute = spec.turnover24h / (spec.basePrice * spec.multiplier) / 1440;
    return Math.max(20, Math.round(lotsPerMinute * 0.1));
  }

  private mustSpec(symbol: string): ContractSpec {
    const spec = this.specs.get(symbol);
    if (!spec) throw new Error(`unknown symbol ${symbol}`);
    return spec;
  }
}

/** KuCoin timestamps in nanoseconds. */
export function nanos(ms: number): number {
  return Math.floor(ms) * 1_000_000;
}
