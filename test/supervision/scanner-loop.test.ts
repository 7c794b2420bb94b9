// The scanner loop with a real piscina pool on the real indicator task, a scripted exchange and a
// recording executor: symbols are filtered and scored off-thread and the best goes to the executor.
import { expect } from 'chai';
import type { Kline } from '../../src/exchange/schemas/index.js';
import type { ExecutorApi, EntryProposal } from '../../src/executor/executor-api.js';
import { createIndicatorPool, type IndicatorPool } from '../../src/scanner/indicator-pool.js';
import { createScannerLoop, toProposal } from '../../src/scanner/scanner-loop.js';
import { systemClock } from '../../src/resilience/clock.js';
import type { ExecutorClient } from '../../src/worker-runtime/executor-link.js';
import type { MetricsSink } from '../../src/worker-runtime/metrics-sender.js';
import { silentLog } from '../support/silent-log.js';
import { contract } from '../scanner/support/scanner-fixtures.js';

const TASK = new URL('../../workers/indicator-task.js', import.meta.url);

function klines(n: number, drift: number): Kline[] {
  let price = 100;
  return Array.from({ length: n }, (_, i) => {
    const open = price;
    price = price * (1 + drift + 0.004 * Math.sin(i / 3));
    return {
      time: i * 900_000,
      open,
      high: Math.max(open, price) * 1.002,
      low: Math.min(open, price) * 0.998,
      close: price,
      volume: 1000 + (i % 7) * 100,
    };
  });
}

describe('scanner loop with the piscina pool', function () {
  this.timeout(20_000);
  let pool: IndicatorPool | undefined;
  afterEach(async () => {
    await pool?.close();
    pool = undefined;
  });

  it('scores the busiest USDT contracts off-thread and proposes the best candidate', async () => {
    pool = createIndicatorPool(TASK, 1);
    const requested: string[] = [];
    const proposals: EntryProposal[] = [];
    const counters: Record<string, number> = {};
    const gauges: Record<string, number> = {};
    const metrics: MetricsSink = {
      count: (n, by = 1) => {
        counters[n] = (counters[n] ?? 0) + by;
      },
      gauge: (n, v) => {
        gauges[n] = v;
      },
      call: () => undefined,
    };
    const executor: ExecutorClient<ExecutorApi> = {
      generation: 0,
      call: (async (method: string, arg: EntryProposal[]) => {
        if (method === 'proposeEntries') proposals.push(...arg);
        return arg.map(() => ({ accepted: false, reason: 'test' }));
      }) as unknown as ExecutorClient<ExecutorApi>['call'],
    };
    const loop = createScannerLoop({
      client: {
        serverTime: async () => ({ data: 1_700_000_000_000, rateLimit: null }),
        activeContracts: async () => ({
          data: [
            contract('AUSDTM', { turnoverOf24h: 5e6 }),
            contract('BUSDTM', { turnoverOf24h: 9e6 }),
            contract('XBTUSDM', { turnoverOf24h: 9e9, quoteCurrency: 'XBT', settleCurrency: 'XBT', isInverse: true }),
            contract('CUSDTM', { turnoverOf24h: 10 }),
          ],
          rateLimit: null,
        }),
        klines: async (q: { symbol: string }) => {
          requested.push(q.symbol);
          return { data: klines(120, q.symbol === 'AUSDTM' ? 0.003 : -0.003), rateLimit: null };
        },
      },
      analyze: (input, signal) => pool!.analyze(input, signal),
      executor,
      metrics,
      log: silentLog,
      clock: systemClock,
      intervalMs: 1000,
      options: { minTurnover: 1000, minConfidence: 0, granularity: 15, candles: 120, windowEnd: 'clock' },
    });
    await loop.step(new AbortController().signal);
    expect(requested.sort()).to.deep.equal(['AUSDTM', 'BUSDTM']); // inverse and thin contracts filtered out
    expect(counters.scans).to.equal(1);
    expect(counters.scanErrors ?? 0).to.equal(0);
    expect(gauges.symbolsScanned).to.equal(2);
    // A rising and a falling series: both are trends, proposed best first with a side that matches.
    expect(gauges.candidates).to.be.greaterThan(0);
    expect(proposals).to.have.length(gauges.candidates!);
    for (const p of proposals) expect(p.side).to.equal(p.symbol === 'AUSDTM' ? 'long' : 'short');
    expect(counters.proposalsRefused).to.equal(proposals.length);
  });

  it('cancels pool tasks with an AbortSignal', async () => {
    pool = createIndicatorPool(TASK, 1);
    const controller = new AbortController();
    controller.abort(new Error('scan cancelled'));
    const err = await pool.analyze({ symbol: 'AUSDTM', klines: klines(60, 0.001) }, controller.signal).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err).to.be.instanceOf(Error);
  });
});

describe('toProposal', () => {
  const nan = Number.NaN;
  const indicators = {
    rsi: 30,
    macd: nan,
    macdSignal: nan,
    macdHistogram: nan,
    bbUpper: nan,
    bbMiddle: nan,
    bbLower: nan,
    stochK: nan,
    stochD: nan,
    atr: 2,
    volumeRatio: 1,
  };

  it('sends the executor the one EntryProposal shape: what opening reads, nothing only the scanner reads', () => {
    const proposal = toProposal({
      symbol: 'XBTUSDTM',
      side: 'long',
      confidence: 0.7,
      price: 65_000,
      stopPrice: 64_000,
      atr: 2,
      indicators,
      reasons: ['trend'],
    });
    expect(proposal).to.deep.equal({ symbol: 'XBTUSDTM', side: 'long', price: 65_000, stopPrice: 64_000, atr: 2 });
  });

  it('refuses a signal without a side', () => {
    expect(() =>
      toProposal({ symbol: 'XBTUSDTM', side: 'none', confidence: 0, price: 65_000, indicators, reasons: [] }),
    ).to.throw(/XBTUSDTM: a signal without a side/);
  });
});
