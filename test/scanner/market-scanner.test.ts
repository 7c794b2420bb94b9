// MarketScanner logic with a scripted client: contract caching, filters, failures as data,
// option validation. The venue-level behaviour is in market-scanner-sim.test.ts.
import { expect } from 'chai';
import type { KlineQuery } from '../../src/exchange/kucoin-futures-client.js';
import type { Contract, Kline } from '../../src/exchange/schemas/index.js';
import {
  CONTRACTS_SCOPE,
  MarketScanner,
  PROPOSE_SCOPE,
  SERVER_TIME_SCOPE,
  resolveMarketScannerOptions,
  type MarketScannerOptions,
  type ScannerClient,
} from '../../src/scanner/market-scanner.js';
import { contractExclusion, tradableContracts } from '../../src/scanner/tradable-contracts.js';
import { analyzeSymbol } from '../../src/strategy/analyze-symbol.js';
import type { SignalResult } from '../../src/strategy/signal-types.js';
import { contract, counting, result, risingKlines } from './support/scanner-fixtures.js';
import { HandClock } from '../support/hand-clock.js';

class ScriptedClient implements ScannerClient {
  contracts: Contract[] | Error = [];
  klinesBySymbol = new Map<string, Kline[] | Error>();
  activeContracts() {
    return this.contracts instanceof Error ? Promise.reject(this.contracts) : Promise.resolve(result(this.contracts));
  }
  klines(q: KlineQuery) {
    const k = this.klinesBySymbol.get(q.symbol) ?? risingKlines(200);
    return k instanceof Error ? Promise.reject(k) : Promise.resolve(result(k));
  }
}

function setup(options: MarketScannerOptions = {}) {
  const inner = new ScriptedClient();
  const client = counting(inner);
  const clock = new HandClock();
  const proposals: SignalResult[][] = [];
  let proposeError: Error | null = null;
  const scanner = new MarketScanner({
    client,
    analyze: async (input) => analyzeSymbol(input),
    propose: async (c) => {
      if (proposeError) throw proposeError;
      proposals.push(c);
    },
    clock,
    options: { minTurnover: 1e6, minConfidence: 0.1, ...options },
  });
  return { inner, client, clock, proposals, scanner, failPropose: (e: Error | null) => (proposeError = e) };
}

describe('MarketScanner (scripted client)', () => {
  it('caches the contract list and refreshes it after contractsRefreshMs', async () => {
    const { inner, client, clock, scanner } = setup({ contractsRefreshMs: 600_000 });
    inner.contracts = [contract('AUSDTM')];
    await scanner.scanOnce();
    clock.advance(599_999);
    inner.contracts = [contract('AUSDTM'), contract('BUSDTM')];
    expect((await scanner.scanOnce()).symbolsEligible).to.equal(1);
    expect(client.contractCalls).to.equal(1);
    clock.advance(1);
    expect((await scanner.scanOnce()).symbolsEligible).to.equal(2);
    expect(client.contractCalls).to.equal(2);
  });

  it('falls back to the cached list when the refresh fails, and reports it', async () => {
    const { inner, clock, scanner } = setup({ contractsRefreshMs: 1000 });
    inner.contracts = [contract('AUSDTM')];
    await scanner.scanOnce();
    clock.advance(1000);
    inner.contracts = Object.assign(new Error('gateway down'), { code: '500000' });
    const report = await scanner.scanOnce();
    expect(report.symbolsScanned).to.equal(1);
    expect(report.errors).to.deep.equal([{ symbol: CONTRACTS_SCOPE, message: '500000: gateway down' }]);
  });

  it('returns an empty report (not a throw) when there is no contract list at all', async () => {
    const { inner, scanner, proposals } = setup();
    inner.contracts = new Error('network');
    const report = await scanner.scanOnce();
    expect(report).to.include({ symbolsEligible: 0, symbolsScanned: 0, proposed: 0, aborted: false });
    expect(report.errors[0]?.symbol).to.equal(CONTRACTS_SCOPE);
    expect(proposals).to.deep.equal([]);
  });

  it('counts a malformed kline series as an error and analyses the other symbols', async () => {
    const { inner, scanner } = setup();
    inner.contracts = [contract('AUSDTM'), contract('BUSDTM'), contract('CUSDTM')];
    const bad = risingKlines(200);
    bad[50] = { ...bad[50]!, high: bad[50]!.low * 0.5 }; // high below low
    inner.klinesBySymbol.set('BUSDTM', bad);
    const unordered = risingKlines(200).reverse();
    inner.klinesBySymbol.set('CUSDTM', unordered);
    const report = await scanner.scanOnce();
    expect(report.symbolsScanned).to.equal(1);
    expect(report.errors.map((e) => e.symbol)).to.deep.equal(['BUSDTM', 'CUSDTM']);
    expect(report.errors[0]?.message).to.match(/^invalid klines: kline\[50\] is inconsistent/);
    expect(report.errors[1]?.message).to.match(/oldest first/);
  });

  it('reports a failed proposal instead of throwing (executor restarting)', async () => {
    const { inner, scanner, failPropose } = setup();
    inner.contracts = [contract('AUSDTM')];
    failPropose(Object.assign(new Error('order-executor is gone'), { code: 'PEER_GONE' }));
    const report = await scanner.scanOnce();
    expect(report.candidates).to.have.length(1);
    expect(report.proposed).to.equal(0);
    expect(report.errors).to.deep.equal([{ symbol: PROPOSE_SCOPE, message: 'PEER_GONE: order-executor is gone' }]);
  });

  it('proposes at most maxCandidates, confidence >= minConfidence, best first', async () => {
    const { inner, scanner, proposals } = setup({ maxCandidates: 2, minConfidence: 0 });
    inner.contracts = ['AUSDTM', 'BUSDTM', 'CUSDTM', 'DUSDTM'].map((s) => contract(s));
    // Same shape, different strength: the steeper the trend, the higher the confidence.
    const scaled = (k: Kline[], f: number): Kline[] =>
      k.map((x, i) => {
        const g = Math.exp(f * 0.002 * i);
        return { ...x, open: x.open * g, high: x.high * g * 1.0005, low: x.low * g * 0.9995, close: x.close * g };
      });
    inner.klinesBySymbol.set('AUSDTM', scaled(risingKlines(200), -1));
    inner.klinesBySymbol.set('CUSDTM', scaled(risingKlines(200), 2));
    const report = await scanner.scanOnce();
    expect(proposals).to.have.length(1);
    expect(proposals[0]).to.have.length(2);
    expect(proposals[0]![0]!.confidence).to.be.at.least(proposals[0]![1]!.confidence);
    expect(report.candidates).to.deep.equal(proposals[0]);
  });

  it('sends strategy overrides with every task', async () => {
    const inner = new ScriptedClient();
    inner.contracts = [contract('AUSDTM')];
    const seen: unknown[] = [];
    const scanner = new MarketScanner({
      client: inner,
      analyze: async (input) => {
        seen.push(input.params);
        return analyzeSymbol(input);
      },
      propose: async () => undefined,
      clock: new HandClock(),
      options: { minTurnover: 0, strategyParams: { minCandles: 300 } },
    });
    const report = await scanner.scanOnce();
    expect(seen).to.deep.equal([{ minCandles: 300 }]);
    expect(report.signals).to.equal(0); // 200 candles < 300
  });

  it("records an analysis that throws (pool task crashed) as that symbol's error", async () => {
    const inner = new ScriptedClient();
    inner.contracts = [contract('AUSDTM'), contract('BUSDTM')];
    const scanner = new MarketScanner({
      client: inner,
      analyze: async (input) => {
        if (input.symbol === 'AUSDTM') throw new Error('worker exited');
        return analyzeSymbol(input);
      },
      propose: async () => undefined,
      clock: new HandClock(),
      options: { minTurnover: 0 },
    });
    const report = await scanner.scanOnce();
    expect(report.errors).to.deep.equal([{ symbol: 'AUSDTM', message: 'analysis: worker exited' }]);
    expect(report.symbolsScanned).to.equal(1);
  });

  it('falls back to the clock for the klines window when serverTime fails, and reports it', async () => {
    const inner = new ScriptedClient();
    inner.contracts = [contract('AUSDTM')];
    const client = counting(
      Object.assign(inner, {
        serverTime: () => Promise.reject(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })),
      }),
    );
    const clock = new HandClock();
    const scanner = new MarketScanner({
      client,
      analyze: async (i) => analyzeSymbol(i),
      propose: async () => undefined,
      clock,
      options: { minTurnover: 0 },
    });
    const report = await scanner.scanOnce();
    expect(report.errors).to.deep.equal([{ symbol: SERVER_TIME_SCOPE, message: 'TIMEOUT: timeout' }]);
    expect(client.klineQueries[0]?.to).to.equal(clock.now());
    expect(report.symbolsScanned).to.equal(1);
  });

  it('returns at once, aborted, for an already aborted signal', async () => {
    const { inner, client, scanner } = setup();
    inner.contracts = [contract('AUSDTM')];
    const report = await scanner.scanOnce(AbortSignal.abort());
    expect(report.aborted).to.equal(true);
    expect(client.contractCalls).to.equal(0);
  });

  describe('options', () => {
    it('fills defaults', () => {
      expect(resolveMarketScannerOptions()).to.deep.include({
        minTurnover: 1_000_000,
        minConfidence: 0.6,
        granularity: 15,
        candles: 200,
        maxCandidates: 3,
        concurrency: 8,
        contractsRefreshMs: 600_000,
        windowEnd: 'server',
      });
    });
    const bad: Array<[MarketScannerOptions, RegExp]> = [
      [{ minTurnover: -1 }, /minTurnover/],
      [{ minConfidence: 1.5 }, /minConfidence/],
      [{ granularity: 7 as never }, /granularity must be one of 1,5,15/],
      [{ candles: 0 }, /candles/],
      [{ candles: 501 }, /candles must be at most 500/],
      [{ candles: 10.5 }, /candles/],
      [{ maxCandidates: 0 }, /maxCandidates/],
      [{ concurrency: 0 }, /concurrency/],
      [{ contractsRefreshMs: Number.NaN }, /contractsRefreshMs/],
      [{ strategyParams: { rsiPeriod: -3 } }, /StrategyParams\.rsiPeriod/],
      [{ windowEnd: 'local' as never }, /windowEnd/],
    ];
    for (const [options, message] of bad) {
      it(`rejects ${JSON.stringify(options)}`, () => {
        expect(() => resolveMarketScannerOptions(options)).to.throw(RangeError, message);
      });
    }
  });
});

describe('tradableContracts', () => {
  it('keeps open USDT-margined linear perpetuals above the floor, most liquid first', () => {
    const list = [
      contract('AUSDTM', { turnoverOf24h: 2e6 }),
      contract('BUSDTM', { turnoverOf24h: 9e6 }),
      contract('XBTUSDM', { isInverse: true, quoteCurrency: 'USD', settleCurrency: 'XBT' }),
      contract('XBTMZ24', { type: 'FFICSX' }),
      contract('CUSDTM', { status: 'Paused' }),
      contract('DUSDCM', { quoteCurrency: 'USDC', settleCurrency: 'USDC' }),
      contract('EUSDTM', { turnoverOf24h: 999_999 }),
      contract('FUSDTM', { turnoverOf24h: 1e6 }),
    ];
    expect(tradableContracts(list, 1e6).map((c) => c.symbol)).to.deep.equal(['BUSDTM', 'AUSDTM', 'FUSDTM']);
    expect(contractExclusion(list[2]!, 0)).to.equal('inverse contract');
    expect(contractExclusion(list[3]!, 0)).to.match(/not a perpetual/);
    expect(contractExclusion(list[4]!, 0)).to.equal('status Paused');
    expect(contractExclusion(list[5]!, 0)).to.match(/USDC/);
    expect(contractExclusion(list[6]!, 1e6)).to.match(/turnover 999999 below 1000000/);
  });
});
