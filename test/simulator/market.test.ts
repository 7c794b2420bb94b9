import { expect } from 'chai';
import { KLINE_GRANULARITIES } from '../../src/exchange/endpoints.js';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/simulator.js';
import { SimClient } from './signed-client.js';
import { ManualClock } from '../support/manual-clock.js';

const START = Date.UTC(2025, 2, 3, 12, 0, 0);
type Kline = [number, number, number, number, number, number];

const CONTRACT_FIELDS = [
  'symbol',
  'rootSymbol',
  'type',
  'baseCurrency',
  'quoteCurrency',
  'settleCurrency',
  'status',
  'isInverse',
  'isQuanto',
  'multiplier',
  'lotSize',
  'tickSize',
  'indexPriceTickSize',
  'maxOrderQty',
  'maxPrice',
  'maxLeverage',
  'initialMargin',
  'maintainMargin',
  'maxRiskLimit',
  'minRiskLimit',
  'riskStep',
  'makerFeeRate',
  'takerFeeRate',
  'markMethod',
  'fundingFeeRate',
  'predictedFundingFeeRate',
  'fundingRateGranularity',
  'nextFundingRateTime',
  'markPrice',
  'indexPrice',
  'lastTradePrice',
  'openInterest',
  'volumeOf24h',
  'turnoverOf24h',
  'supportCross',
];

async function withSim<T>(
  opts: Parameters<typeof startSimulator>[0],
  fn: (c: SimClient, s: SimulatorHandle) => Promise<T>,
): Promise<T> {
  const s = await startSimulator(opts);
  const c = new SimClient(s.url, s.credentials);
  try {
    return await fn(c, s);
  } finally {
    c.close();
    await s.close();
  }
}

describe('simulator market data', () => {
  let sim: SimulatorHandle;
  let client: SimClient;

  before(async () => {
    sim = await startSimulator({ clock: 'manual', startTime: START });
    client = new SimClient(sim.url, sim.credentials);
  });
  after(async () => {
    client.close();
    await sim.close();
  });

  it('lists at least 50 open USDT-margined perpetuals with every contract field', async () => {
    const list = await client.data<Array<Record<string, unknown>>>('GET', '/api/v1/contracts/active', undefined, false);
    expect(list.length).to.be.at.least(50);
    const symbols = new Set(list.map((c) => c['symbol']));
    expect(symbols.size).to.equal(list.length);
    for (const s of ['XBTUSDTM', 'ETHUSDTM', 'SOLUSDTM']) expect(symbols.has(s)).to.equal(true);
    for (const c of list) {
      for (const f of CONTRACT_FIELDS) expect(c, `${String(c['symbol'])}.${f}`).to.have.property(f);
      expect(c['type']).to.equal('FFWCSX');
      expect(c['status']).to.equal('Open');
      expect(c['settleCurrency']).to.equal('USDT');
      expect(c['isInverse']).to.equal(false);
      expect(c['lotSize']).to.equal(1);
      expect(c['makerFeeRate']).to.equal(0.0002);
      expect(c['takerFeeRate']).to.equal(0.0006);
      expect(c['fundingRateGranularity']).to.equal(28_800_000);
      for (const f of [
        'multiplier',
        'tickSize',
        'maxLeverage',
        'initialMargin',
        'maintainMargin',
        'markPrice',
        'turnoverOf24h',
        'volumeOf24h',
        'nextFundingRateTime',
      ]) {
        expect(Number.isFinite(c[f]) && (c[f] as number) > 0, `${String(c['symbol'])}.${f}=${String(c[f])}`).to.equal(
          true,
        );
      }
      expect(Math.abs(c['fundingFeeRate'] as number)).to.be.below(0.003);
    }
    const xbt = list.find((c) => c['symbol'] === 'XBTUSDTM')!;
    expect([xbt['baseCurrency'], xbt['multiplier'], xbt['tickSize'], xbt['maxLeverage']]).to.deep.equal([
      'XBT',
      0.001,
      0.1,
      125,
    ]);
    // The 8 h funding clock: 12:00 UTC is 4 h before the 16:00 settlement.
    expect(xbt['nextFundingRateTime']).to.equal(4 * 3600_000);
    const one = await client.data<Record<string, unknown>>('GET', '/api/v1/contracts/ETHUSDTM', undefined, false);
    expect(one['symbol']).to.equal('ETHUSDTM');
  });

  it('keeps ticker, level2 snapshot, klines and mark price consistent', async () => {
    const tk = await client.data<Record<string, unknown>>('GET', '/api/v1/ticker?symbol=ETHUSDTM', undefined, false);
    const l2 = await client.data<{ bids: [number, number][]; asks: [number, number][]; ts: number; sequence: number }>(
      'GET',
      '/api/v1/level2/snapshot?symbol=ETHUSDTM',
      undefined,
      false,
    );
    const kl = await client.data<Kline[]>(
      'GET',
      `/api/v1/kline/query?symbol=ETHUSDTM&granularity=1&from=${START - 3600_000}&to=${START}`,
      undefined,
      false,
    );
    const contract = await client.data<Record<string, number>>('GET', '/api/v1/contracts/ETHUSDTM', undefined, false);
    const bid = Number(tk['bestBidPrice']);
    const ask = Number(tk['bestAskPrice']);
    const last = Number(tk['price']);
    expect(bid).to.be.below(ask);
    expect(last).to.be.within(bid, ask);
    expect(l2.bids[0]).to.deep.equal([bid, tk['bestBidSize']]);
    expect(l2.asks[0]).to.deep.equal([ask, tk['bestAskSize']]);
    for (let i = 1; i < l2.bids.length; i++) expect(l2.bids[i]![0]).to.be.below(l2.bids[i - 1]![0]);
    for (let i = 1; i < l2.asks.length; i++) expect(l2.asks[i]![0]).to.be.above(l2.asks[i - 1]![0]);
    expect(tk['ts']).to.equal(START * 1_000_000); // nanoseconds
    expect(l2.ts).to.equal(START * 1_000_000);
    expect(contract['markPrice']).to.be.within(bid, ask);
    expect(contract['lastTradePrice']).to.equal(last);
    // The forming candle closes at the last price; candles chain open = previous close.
    const lastRow = kl[kl.length - 1]!;
    expect(lastRow[0]).to.equal(START);
    expect(lastRow[4]).to.equal(last);
    for (let i = 1; i < kl.length; i++) {
      const [t, o, h, l, c, v] = kl[i]!;
      expect(t - kl[i - 1]![0]).to.equal(60_000);
      expect(o).to.equal(kl[i - 1]![4]);
      expect(h).to.be.at.least(Math.max(o, c));
      expect(l).to.be.at.most(Math.min(o, c));
      expect(v).to.be.at.least(0);
    }
  });

  it('serves depth20 and depth100 as the top of the same book', async () => {
    type Book = { bids: [number, number][]; asks: [number, number][] };
    const full = await client.data<Book>('GET', '/api/v1/level2/snapshot?symbol=ETHUSDTM', undefined, false);
    const d20 = await client.data<Book>('GET', '/api/v1/level2/depth20?symbol=ETHUSDTM', undefined, false);
    const d100 = await client.data<Book>('GET', '/api/v1/level2/depth100?symbol=ETHUSDTM', undefined, false);
    expect(d20.bids).to.have.length(20);
    expect(d20.asks).to.have.length(20);
    expect(d20.bids).to.deep.equal(full.bids.slice(0, 20));
    expect(d20.asks).to.deep.equal(full.asks.slice(0, 20));
    expect(d100.bids).to.deep.equal(full.bids.slice(0, 100));
  });

  it('serves 500 candles for every supported granularity', async () => {
    for (const g of KLINE_GRANULARITIES) {
      const rows = await client.data<Kline[]>(
        'GET',
        `/api/v1/kline/query?symbol=XBTUSDTM&granularity=${g}&from=${START - 600 * g * 60_000}&to=${START}`,
        undefined,
        false,
      );
      expect(rows.length, `granularity ${g}`).to.equal(500);
      expect(rows.every((r) => r.length === 6 && r.every((x) => Number.isFinite(x)))).to.equal(true);
      expect(rows[499]![0]).to.equal(Math.floor(START / (g * 60_000)) * g * 60_000);
    }
    const bad = await client.get('/api/v1/kline/query?symbol=XBTUSDTM&granularity=7');
    expect(bad.json?.code).to.equal('400100');
  });

  it('current funding rate follows the 8 h schedule', async () => {
    const f = await client.data<Record<string, number>>(
      'GET',
      '/api/v1/funding-rate/XBTUSDTM/current',
      undefined,
      false,
    );
    expect(f['granularity']).to.equal(28_800_000);
    expect(f['timePoint']).to.equal(Date.UTC(2025, 2, 3, 8));
    expect(f['fundingTime']).to.equal(Date.UTC(2025, 2, 3, 16));
    expect(Number.isFinite(f['value']) && Number.isFinite(f['predictedValue'])).to.equal(true);
  });

  it('is deterministic: same seed, same market; another seed, another market', async () => {
    const q = `/api/v1/kline/query?symbol=SOLUSDTM&granularity=15&from=${START - 100 * 900_000}&to=${START - 900_000}`;
    const a = await withSim({ clock: 'manual', startTime: START, seed: 7, contracts: 5 }, (c) =>
      c.data<Kline[]>('GET', q, undefined, false),
    );
    // A different start time must not change the history at the same instants.
    const b = await withSim({ clock: 'manual', startTime: START + 3600_000, seed: 7, contracts: 5 }, (c) =>
      c.data<Kline[]>('GET', q, undefined, false),
    );
    const other = await withSim({ clock: 'manual', startTime: START, seed: 8, contracts: 5 }, (c) =>
      c.data<Kline[]>('GET', q, undefined, false),
    );
    expect(a.length).to.equal(100);
    expect(b).to.deep.equal(a);
    expect(other).to.not.deep.equal(a);
  });

  it('offers a trending and a flat market profile', async () => {
    const q = (s: string): string =>
      `/api/v1/kline/query?symbol=${s}&granularity=5&from=${START - 500 * 300_000}&to=${START}`;
    const stdev = (rows: Kline[]): number => {
      const r = rows.slice(1).map((x, i) => Math.log(x[4] / rows[i]![4]));
      const m = r.reduce((a, b) => a + b, 0) / r.length;
      return Math.sqrt(r.reduce((a, b) => a + (b - m) ** 2, 0) / r.length);
    };
    await withSim({ clock: 'manual', startTime: START, profile: 'trending' }, async (c, s) => {
      let checked = 0;
      for (const symbol of ['XBTUSDTM', 'ETHUSDTM', 'SOLUSDTM', 'DOGEUSDTM']) {
        // Only judge symbols whose current leg spans the whole window.
        if (20 * 86_400_000 - s.market.msUntilTrendTurn(symbol) < 500 * 300_000) continue;
        const rows = await c.data<Kline[]>('GET', q(symbol), undefined, false);
        const change = Math.log(rows[499]![4] / rows[0]![1]);
        expect(Math.sign(change), symbol).to.equal(s.market.trendDirection(symbol));
        expect(Math.abs(change), symbol).to.be.above(0.02);
        checked++;
      }
      expect(checked).to.be.greaterThan(0);
    });
    const flat = await withSim({ clock: 'manual', startTime: START, profile: 'flat' }, (c) =>
      c.data<Kline[]>('GET', q('XBTUSDTM'), undefined, false),
    );
    const normal = await withSim({ clock: 'manual', startTime: START }, (c) =>
      c.data<Kline[]>('GET', q('XBTUSDTM'), undefined, false),
    );
    expect(stdev(flat)).to.be.below(stdev(normal) / 5);
  });

  it('moves with the simulated clock', async () => {
    const before = await client.data<Record<string, unknown>>(
      'GET',
      '/api/v1/ticker?symbol=XBTUSDTM',
      undefined,
      false,
    );
    sim.advance(90_000);
    const after = await client.data<Record<string, unknown>>('GET', '/api/v1/ticker?symbol=XBTUSDTM', undefined, false);
    expect(after['ts']).to.equal((START + 90_000) * 1_000_000);
    expect(after['sequence'] as number).to.be.greaterThan(before['sequence'] as number);
  });
});

describe('simulator clock speed', () => {
  it('runs simulated time speed× faster than real time', async () => {
    const real = new ManualClock(START);
    await withSim({ speed: 1000, contracts: 1, startTime: START, realClock: real }, async (c) => {
      const a = await c.data<number>('GET', '/api/v1/timestamp', undefined, false);
      real.advance(100);
      const b = await c.data<number>('GET', '/api/v1/timestamp', undefined, false);
      // 100 ms of real time is 100 s of simulated time.
      expect(b - a).to.equal(100_000);
    });
  });
});
