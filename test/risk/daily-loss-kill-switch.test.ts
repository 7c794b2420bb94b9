import { expect } from 'chai';
import { checkDailyLoss } from '../../src/risk/daily-loss-kill-switch.js';
import { DAY_MS, nextUtcMidnight, utcDayStart } from '../../src/risk/utc-day.js';

describe('utcDayStart', () => {
  it('maps any time of day to that UTC midnight; midnight itself starts the new day', () => {
    const midnight = Date.UTC(2024, 2, 10);
    expect(utcDayStart(midnight)).to.equal(midnight);
    expect(utcDayStart(midnight + DAY_MS - 1)).to.equal(midnight);
    expect(utcDayStart(midnight - 1)).to.equal(midnight - DAY_MS);
    expect(nextUtcMidnight(midnight - 1)).to.equal(midnight);
    expect(() => utcDayStart(Number.NaN)).to.throw(RangeError);
  });
});

describe('checkDailyLoss (start-of-day equity minus equity now; limit a fraction of the former)', () => {
  // 10 000 USDT at midnight, 5 % limit -> trips at a 500 USDT loss
  const base = { startOfDayEquity: 10_000, dailyLossLimit: 0.05 };

  it('stays off just below the limit', () => {
    const c = checkDailyLoss({ ...base, currentEquity: 9_500.01 });
    expect(c.tripped).to.equal(false);
    expect(c.lossToday).to.be.closeTo(499.99, 1e-9);
    expect(c.limitAmount).to.equal(500);
  });

  it('trips exactly at the limit, with a reason free of float noise', () => {
    expect(checkDailyLoss({ ...base, currentEquity: 9_500 }).tripped).to.equal(true);
    const c = checkDailyLoss({
      startOfDayEquity: 1000.1,
      currentEquity: 1000.1 - 52.22002964000007,
      dailyLossLimit: 0.05,
    });
    expect(c.reason).to.equal(
      'daily loss 52.22002964 reached the limit 50.005 (5 % of start-of-day equity 1000.1; equity now 947.87997036)',
    );
  });

  it('counts whatever moved equity: realised, unrealised, fees, funding; a winning day is no loss', () => {
    // Realised -300, open -150, fees -40, funding -10: only the account's equity knows all four.
    expect(checkDailyLoss({ ...base, currentEquity: 10_000 - 300 - 150 - 40 - 10 }).tripped).to.equal(true);
    expect(checkDailyLoss({ ...base, currentEquity: 10_250 }).lossToday).to.equal(0);
  });

  it('fails closed (tripped) on NaN, Infinity, negative equity or a nonsense limit', () => {
    expect(checkDailyLoss({ ...base, currentEquity: Number.NaN }).tripped).to.equal(true);
    expect(checkDailyLoss({ ...base, currentEquity: Number.POSITIVE_INFINITY }).tripped).to.equal(true);
    expect(checkDailyLoss({ ...base, currentEquity: -1 }).tripped).to.equal(true);
    expect(checkDailyLoss({ ...base, currentEquity: 10_000, startOfDayEquity: 0 }).tripped).to.equal(true);
    expect(checkDailyLoss({ ...base, currentEquity: 10_000, dailyLossLimit: 5 }).tripped).to.equal(true);
    expect(checkDailyLoss({ ...base, currentEquity: Number.NaN }).reason).to.match(/fails closed .* currentEquity NaN/);
  });
});
