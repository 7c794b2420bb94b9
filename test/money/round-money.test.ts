import { expect } from 'chai';
import { describeTradeEvent, roundTradeMoney } from '../../src/protocol/trade-event.js';
import { HealthMonitor } from '../../src/health/health-monitor.js';
import { formatReport } from '../../src/health/report-format.js';
import { formatMoney, roundMoney, settlementDecimals } from '../../src/money/round-money.js';
import { summaryLine } from '../../supervisor/summary-line.js';
import { ManualClock } from '../support/manual-clock.js';

const NOISE = /\d\.\d*0000000\d|\d\.\d*9999999\d/; // a float's tail (…00000007, …99999998)

describe('money rounded at the edges', () => {
  it('rounds float noise away at the settlement currency precision (USDT: 8 decimals)', () => {
    expect(settlementDecimals('USDT')).to.equal(8);
    expect(roundMoney(-52.22002964000007)).to.equal(-52.22002964);
    expect(roundMoney(0.1 + 0.2)).to.equal(0.3);
    expect(roundMoney(1e-9)).to.equal(0);
    expect(Object.is(roundMoney(-1e-10), 0)).to.equal(true); // no -0
    expect(roundMoney(123_456.123456789)).to.equal(123_456.12345679);
    expect(formatMoney(-52.22002964000007)).to.equal('-52.22002964');
    expect(formatMoney(5e-7)).to.equal('0.0000005'); // never JS's exponent text
    expect(formatMoney(-3)).to.equal('-3');
    expect(formatMoney(1e-10)).to.equal('0');
  });

  it('leaves non-finite values for the caller to refuse', () => {
    expect(Number.isNaN(roundMoney(Number.NaN))).to.equal(true);
    expect(roundMoney(Number.POSITIVE_INFINITY)).to.equal(Number.POSITIVE_INFINITY);
  });
});

describe('money where a person reads it', () => {
  it('trade events carry rounded PnL and fees (console TRADE lines, logs, dashboard, health monitor)', () => {
    const closed = roundTradeMoney({
      type: 'closed',
      at: 0,
      symbol: 'XBTUSDTM',
      side: 'long',
      size: 3,
      entryPrice: 60_000,
      exitPrice: 59_800,
      pnl: -52.22002964000007,
      fees: 0.1 + 0.2,
      reason: 'stop',
    });
    expect(closed).to.include({ pnl: -52.22002964, fees: 0.3 });
    const opened = roundTradeMoney({
      type: 'opened',
      at: 0,
      symbol: 'XBTUSDTM',
      side: 'long',
      size: 3,
      entryPrice: 60_000,
      stopPrice: 59_000,
      leverage: 5,
      fees: 1.0800000000000003,
    });
    expect(opened).to.include({ fees: 1.08 });
    const kill = roundTradeMoney({
      type: 'kill-switch',
      at: 0,
      symbol: 'XBTUSDTM',
      reason: 'x',
      lossToday: 500.00000000000006,
      limitAmount: 499.99999999999994,
    });
    expect(kill).to.include({ lossToday: 500, limitAmount: 500 });
    for (const e of [closed, opened, kill]) expect(`${describeTradeEvent(e)} ${JSON.stringify(e)}`).not.to.match(NOISE);
  });

  it('/health, the report and the summary show equity and total PnL without float noise', () => {
    const m = new HealthMonitor({ clock: new ManualClock() });
    m.setEquity(10_000.1 + 0.2);
    m.recordPositionClosed({ symbol: 'A', pnl: 0.1 });
    m.recordPositionClosed({ symbol: 'B', pnl: 0.2 });
    m.recordPositionClosed({ symbol: 'C', pnl: -52.22002964000007 });
    const r = m.getReport();
    expect(r.positions.equity).to.equal(10_000.3);
    expect(r.positions.total_pnl).to.equal(-51.92002964);
    expect(m.getEquityCurve().map((p) => p.equity)).to.deep.equal([10_000.3]);
    expect(`${JSON.stringify(r)}\n${formatReport(r)}\n${summaryLine(r)}`).not.to.match(NOISE);
  });
});
