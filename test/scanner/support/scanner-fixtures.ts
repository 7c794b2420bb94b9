// Helpers for scanner tests: a contract builder, and a client wrapper that
// counts the requests the scanner makes.
import type { ExchangeResult } from '../../../src/exchange/call-policy.js';
import type { KlineQuery } from '../../../src/exchange/kucoin-futures-client.js';
import type { Contract, Kline } from '../../../src/exchange/schemas/index.js';
import type { ScannerClient } from '../../../src/scanner/market-scanner.js';

export function contract(symbol: string, overrides: Partial<Contract> = {}): Contract {
  return {
    symbol,
    rootSymbol: 'USDT',
    type: 'FFWCSX',
    baseCurrency: symbol.replace(/USDTM$/, ''),
    quoteCurrency: 'USDT',
    settleCurrency: 'USDT',
    status: 'Open',
    isInverse: false,
    isQuanto: false,
    multiplier: 0.01,
    lotSize: 1,
    tickSize: 0.01,
    indexPriceTickSize: 0.001,
    maxOrderQty: 1e6,
    maxPrice: 1e6,
    maxLeverage: 75,
    initialMargin: 0.0133,
    maintainMargin: 0.0067,
    maxRiskLimit: 20000,
    minRiskLimit: 20000,
    riskStep: 10000,
    makerFeeRate: 0.0002,
    takerFeeRate: 0.0006,
    markMethod: 'FairPrice',
    fundingFeeRate: 0.0001,
    predictedFundingFeeRate: 0.0001,
    fundingRateGranularity: 28_800_000,
    nextFundingRateTime: 1000,
    markPrice: 100,
    indexPrice: 100,
    lastTradePrice: 100,
    openInterest: 1000,
    volumeOf24h: 1e5,
    turnoverOf24h: 5e6,
    supportCross: true,
    ...overrides,
  };
}

/** A steady uptrend: enough candles, strictly increasing times, consistent OHLC. */
export function risingKlines(n: number, t0 = Date.UTC(2024, 0, 1), step = 15 * 60_000): Kline[] {
  const out: Kline[] = [];
  let prev = 100;
  for (let i = 0; i < n; i++) {
    const close = 100 * Math.exp(0.004 * i + 0.002 * Math.sin(i));
    out.push({
      time: t0 + i * step,
      open: prev,
      high: Math.max(prev, close) * 1.001,
      low: Math.min(prev, close) * 0.999,
      close,
      volume: 100 + (i % 7),
    });
    prev = close;
  }
  return out;
}

export interface CountingClient extends ScannerClient {
  readonly contractCalls: number;
  readonly serverTimeCalls: number;
  readonly klineSymbols: string[];
  readonly klineQueries: KlineQuery[];
  /** Kline requests started and not yet settled. */
  readonly klinesInFlight: number;
}

/** Wraps a real (or fake) client and records every call the scanner makes. */
export function counting(inner: ScannerClient): CountingClient {
  const state = {
    contractCalls: 0,
    serverTimeCalls: 0,
    klinesInFlight: 0,
    klineSymbols: [] as string[],
    klineQueries: [] as KlineQuery[],
  };
  return {
    get contractCalls() {
      return state.contractCalls;
    },
    get serverTimeCalls() {
      return state.serverTimeCalls;
    },
    get klinesInFlight() {
      return state.klinesInFlight;
    },
    klineSymbols: state.klineSymbols,
    klineQueries: state.klineQueries,
    ...(inner.serverTime
      ? {
          serverTime: (): Promise<ExchangeResult<number>> => {
            state.serverTimeCalls += 1;
            return inner.serverTime!();
          },
        }
      : {}),
    activeContracts(): Promise<ExchangeResult<Contract[]>> {
      state.contractCalls += 1;
      return inner.activeContracts();
    },
    klines(query: KlineQuery): Promise<ExchangeResult<Kline[]>> {
      state.klineSymbols.push(query.symbol);
      state.klineQueries.push(query);
      state.klinesInFlight += 1;
      return inner.klines(query).finally(() => (state.klinesInFlight -= 1));
    },
  };
}

export function result<T>(data: T): ExchangeResult<T> {
  return { data, rateLimit: null };
}
