// MarketScanner against the REAL simulator over HTTP with the real client: nothing mocked between
// the scanner and the venue. The simulator runs on a manual clock from a fixed start, so every
// market here is the same on every run.
import { expect } from 'chai';
import { Piscina } from 'piscina';
import { KucoinFuturesClient } from '../../src/exchange/kucoin-futures-client.js';
import {
  MarketScanner,
  SERVER_TIME_SCOPE,
  type MarketScannerOptions,
  type ScanProgress,
} from '../../src/scanner/market-scanner.js';
import { startSimulator, type SimulatorHandle, type SimulatorOptions } from '../../src/simulator/simulator.js';
import { analyzeSymbol } from '../../src/strategy/analyze-symbol.js';
import type { IndicatorTaskInput, SignalResult } from '../../src/strategy/signal-types.js';
import { counting, type CountingClient } from './support/scanner-fixtures.js';
import { clockReading, instantClock } from '../support/instant-clock.js';
import { waitUntil } from '../support/wait-until.js';

const START = Date.UTC(2024, 0, 10);
const direct = async (input: IndicatorTaskInput): Promise<SignalResult> => analyzeSymbol(input);

describe('MarketScanner against the simulator', function () {
  this.timeout(30_000);
  const sims: SimulatorHandle[] = [];

  async function sim(options: SimulatorOptions = {}): Promise<SimulatorHandle> {
    const s = await startSimulator({ clock: 'manual', startTime: START, contracts: 20, ...options });
    sims.push(s);
    return s;
  }

  function scannerFor(
    s: SimulatorHandle,
    options: MarketScannerOptions = {},
    extra: {
      analyze?: (i: IndicatorTaskInput, signal?: AbortSignal) => Promise<SignalResult>;
      onProgress?: (p: ScanProgress) => void;
    } = {},
  ): { scanner: MarketScanner; client: CountingClient; proposals: SignalResult[][] } {
    const client = counting(new KucoinFuturesClient({ baseUrl: s.url, timeoutMs: 20_000 }));
    const proposals: SignalResult[][] = [];
    const scanner = new MarketScanner({
      client,
      analyze: extra.analyze ?? direct,
      propose: async (c) => void proposals.push(c),
      clock: clockReading(() => s.clock.now(), instantClock),
      options: { minTurnover: 0, minConfidence: 0.5, maxCandidates: 5, ...options },
      ...(extra.onProgress ? { onProgress: extra.onProgress } : {}),
    });
    return { scanner, client, proposals };
  }

  afterEach(async () => {
    await Promise.all(sims.splice(0).map((s) => s.close()));
  });

  it('finds trend-following signals on the trending profile, ranked best first, deterministically', async () => {
    const s = await sim({ profile: 'trending', seed: 7 });
    const { scanner, proposals } = scannerFor(s);
    const report = await scanner.scanOnce();

    expect(report.errors).to.deep.equal([]);
    expect(report.aborted).to.equal(false);
    expect(report.symbolsEligible).to.equal(20);
    expect(report.symbolsScanned).to.equal(20);
    expect(report.signals).to.be.greaterThan(10);
    expect(report.proposed).to.equal(5);
    expect(proposals).to.have.length(1);
    expect(proposals[0]).to.deep.equal(report.candidates);
    const confidences = report.candidates.map((c) => c.confidence);
    expect(confidences).to.deep.equal([...confidences].sort((a, b) => b - a));
    for (const c of report.candidates) {
      expect(c.confidence).to.be.at.least(0.5);
      // The venue knows which way each trend leg runs: every proposal follows it.
      expect(c.side === 'long' ? 1 : -1, c.symbol).to.equal(s.market.trendDirection(c.symbol));
      expect(c.stopPrice).to.be.a('number');
    }

    // Same seed, same start: the same market and the same proposals.
    const again = await sim({ profile: 'trending', seed: 7 });
    const second = await scannerFor(again).scanner.scanOnce();
    expect(second.candidates.map((c) => [c.symbol, c.side, c.confidence])).to.deep.equal(
      report.candidates.map((c) => [c.symbol, c.side, c.confidence]),
    );
  });

  it('proposes nothing on a flat market', async () => {
    // The 'flat' profile keeps only sub-15-minute noise: no trend on any scanned candle.
    const s = await sim({ profile: 'flat', seed: 7 });
    const { scanner, proposals } = scannerFor(s);
    const report = await scanner.scanOnce();
    expect(report.errors).to.deep.equal([]);
    expect(report.symbolsScanned).to.equal(s.symbols.length);
    expect(report.signals).to.equal(0);
    expect(report.proposed).to.equal(0);
    expect(proposals).to.deep.equal([]);
  });

  it('requests klines only for contracts at or above the turnover floor', async () => {
    const s = await sim({ profile: 'trending', seed: 7 });
    const contracts = (await new KucoinFuturesClient({ baseUrl: s.url }).activeContracts()).data;
    const turnovers = contracts.map((c) => c.turnoverOf24h).sort((a, b) => b - a);
    const floor = turnovers[5]!; // the six most liquid qualify
    const { scanner, client } = scannerFor(s, {
      minTurnover: floor,
      granularity: 15,
      candles: 150,
      windowEnd: 'clock',
    });
    const report = await scanner.scanOnce();
    const expected = contracts.filter((c) => c.turnoverOf24h >= floor).map((c) => c.symbol);
    expect(expected).to.have.length(6);
    expect(report.symbolsEligible).to.equal(6);
    expect([...client.klineSymbols].sort()).to.deep.equal([...expected].sort());
    for (const q of client.klineQueries) {
      expect(q.granularity).to.equal(15);
      expect(q.to! - q.from!).to.equal(150 * 15 * 60_000);
      expect(q.to).to.equal(s.clock.now());
    }
  });

  it("ends the klines window at the venue's time (one serverTime per scan), whatever the local clock says", async () => {
    const s = await sim({ profile: 'trending', seed: 7, contracts: 4 });
    const client = counting(new KucoinFuturesClient({ baseUrl: s.url, timeoutMs: 20_000 }));
    const scanner = new MarketScanner({
      client,
      analyze: direct,
      propose: async () => undefined,
      clock: clockReading(() => Date.UTC(2020, 0, 1), instantClock), // years off: only durations come from it
      options: { minTurnover: 0 },
    });
    const report = await scanner.scanOnce();
    expect(report.errors).to.deep.equal([]);
    expect(client.serverTimeCalls).to.equal(1);
    expect(client.klineQueries.map((q) => q.to)).to.deep.equal([
      s.clock.now(),
      s.clock.now(),
      s.clock.now(),
      s.clock.now(),
    ]);
    expect(report.symbolsScanned).to.equal(4);
  });

  it('records per-symbol failures (malformed bodies, 5xx) and keeps scanning the rest', async () => {
    const s = await sim({ profile: 'trending', seed: 7 });
    const progress: ScanProgress[] = [];
    const { scanner, client } = scannerFor(s, {}, { onProgress: (p) => progress.push(p) });
    expect((await scanner.scanOnce()).errors).to.deep.equal([]); // also caches the contract list

    s.faults.set('malformed=0.4,5xx=0.15');
    progress.length = 0;
    const report = await scanner.scanOnce();
    expect(client.contractCalls).to.equal(1);
    expect(report.aborted).to.equal(false);
    // The faults hit every request, the one serverTime read included (the window then ends at the clock).
    const perSymbol = report.errors.filter((e) => e.symbol !== SERVER_TIME_SCOPE);
    expect(perSymbol.length).to.be.greaterThan(0);
    expect(report.symbolsScanned).to.be.greaterThan(0);
    expect(report.symbolsScanned + perSymbol.length).to.equal(report.symbolsEligible);
    for (const e of perSymbol) {
      expect(s.symbols).to.include(e.symbol);
      expect(e.message).to.match(/^klines: /);
    }
    expect(perSymbol.map((e) => e.message).join('\n')).to.match(/INVALID_RESPONSE/);
    // Progress advanced for every symbol, failed ones included.
    expect(progress.map((p) => p.done)).to.deep.equal(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(progress.filter((p) => p.outcome === 'failed')).to.have.length(perSymbol.length);
    // Candidates come only from symbols that were analysed.
    const failed = new Set(perSymbol.map((e) => e.symbol));
    for (const c of report.candidates) expect(failed.has(c.symbol)).to.equal(false);
  });

  it('stops promptly when aborted and proposes nothing', async () => {
    const s = await sim({ profile: 'trending', seed: 7 });
    const controller = new AbortController();
    let analysed = 0;
    const { scanner, client, proposals } = scannerFor(
      s,
      { concurrency: 2, windowEnd: 'clock' },
      {
        onProgress: () => {
          analysed += 1;
          if (analysed === 2) controller.abort();
        },
      },
    );
    s.faults.set('latency=1:250'); // every request takes 250 ms: a full scan would take ~2.5 s
    const report = await scanner.scanOnce(controller.signal);
    expect(report.aborted).to.equal(true);
    expect(report.proposed).to.equal(0);
    expect(proposals).to.deep.equal([]);
    expect(report.symbolsScanned).to.equal(2);
    // Contracts + two rounds of two requests, then nothing new is started: not while the scan
    // winds down, and not once the requests it had started have all settled.
    expect(client.klineSymbols.length).to.be.at.most(4);
    await waitUntil('the started kline requests to settle', () => client.klinesInFlight === 0, {
      timeoutMs: 10_000,
      intervalMs: 10,
    });
    await new Promise((r) => setImmediate(r));
    expect(client.klineSymbols.length).to.be.at.most(4);
  });

  it('analyses in a real piscina pool running the compiled indicator task', async () => {
    const pool = new Piscina<IndicatorTaskInput, SignalResult>({
      // Compiled layout: <out>/test/scanner/this.js -> <out>/workers/indicator-task.js
      filename: new URL('../../workers/indicator-task.js', import.meta.url).href,
      minThreads: 1,
      maxThreads: 2,
    });
    try {
      const s = await sim({ profile: 'trending', seed: 7 });
      let threadsUsed = 0;
      const viaPool = scannerFor(
        s,
        {},
        {
          analyze: (input, signal) => {
            threadsUsed += 1;
            return pool.run(input, signal ? { signal } : {});
          },
        },
      );
      const pooled = await viaPool.scanner.scanOnce();
      const inThread = await scannerFor(s).scanner.scanOnce();
      expect(threadsUsed).to.equal(20);
      expect(pooled.errors).to.deep.equal([]);
      expect(pooled.signals).to.equal(inThread.signals);
      expect(pooled.candidates).to.deep.equal(inThread.candidates);
      expect(pool.completed).to.equal(20);
    } finally {
      await pool.destroy();
    }
  });
});
