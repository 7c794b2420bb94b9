import { expect } from 'chai';
import { checkDailyLoss, DailyLossKillSwitch, isKillSwitchTripped } from '../../src/risk/daily-loss-kill-switch.js';
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
    expect(isKillSwitchTripped({ ...base, currentEquity: 9_500 })).to.equal(true);
    const c = checkDailyLoss({ startOfDayEquity: 1000.1, currentEquity: 1000.1 - 52.22002964000007, dailyLossLimit: 0.05 });
    expect(c.reason).to.equal('daily loss 52.22002964 reached the limit 50.005 (5 % of start-of-day equity 1000.1; equity now 947.87997036)');
  });

  it('counts whatever moved equity: realised, unrealised, fees, funding; a winning day is no loss', () => {
    // Realised -300, open -150, fees -40, funding -10: only the account's equity knows all four.
    expect(isKillSwitchTripped({ ...base, currentEquity: 10_000 - 300 - 150 - 40 - 10 })).to.equal(true);
    expect(checkDailyLoss({ ...base, currentEquity: 10_250 }).lossToday).to.equal(0);
  });

  it('fails closed (tripped) on NaN, Infinity, negative equity or a nonsense limit', () => {
    expect(isKillSwitchTripped({ ...base, currentEquity: Number.NaN })).to.equal(true);
    expect(isKillSwitchTripped({ ...base, currentEquity: Number.POSITIVE_INFINITY })).to.equal(true);
    expect(isKillSwitchTripped({ ...base, currentEquity: -1 })).to.equal(true);
    expect(isKillSwitchTripped({ ...base, currentEquity: 10_000, startOfDayEquity: 0 })).to.equal(true);
    expect(isKillSwitchTripped({ ...base, currentEquity: 10_000, dailyLossLimit: 5 })).to.equal(true);
    expect(checkDailyLoss({ ...base, currentEquity: Number.NaN }).reason).to.match(/fails closed .* currentEquity NaN/);
  });
});

describe('DailyLossKillSwitch', () => {
  const day1 = Date.UTC(2024, 0, 1);
  let now = day1;
  const clock = (): number => now;

  beforeEach(() => { now = day1 + 10 * 3_600_000; });

  it('latches once tripped, even if equity recovers the same day', () => {
    const ks = new DailyLossKillSwitch({ dailyLossLimit: 0.05, now: clock });
    expect(ks.update(10_000).active).to.equal(false); // start of day equity = 10 000, limit 500
    expect(ks.update(9_501).active).to.equal(false); // loss 499
    const s = ks.update(9_500); // loss 500
    expect(s.active).to.equal(true);
    expect(s.reason).to.match(/daily loss 500 reached the limit 500/);
    expect(ks.update(9_900).active).to.equal(true);
    expect(ks.isActive()).to.equal(true);
  });

  it('resets at UTC midnight and takes the new day\'s equity as its base', () => {
    const ks = new DailyLossKillSwitch({ dailyLossLimit: 0.05, now: clock });
    ks.update(10_000);
    expect(ks.update(9_400).active).to.equal(true);
    now = day1 + DAY_MS - 1; // 23:59:59.999 still day 1
    expect(ks.isActive()).to.equal(true);
    now = day1 + DAY_MS; // 00:00:00.000 day 2
    expect(ks.isActive()).to.equal(false);
    expect(ks.update(9_400)).to.deep.equal({ active: false, day: day1 + DAY_MS, startOfDayEquity: 9_400, equity: 9_400 });
    // 5 % of 9 400 = 470
    expect(ks.update(8_931).active).to.equal(false);
    expect(ks.update(8_930).active).to.equal(true);
  });

  it('blocks on a NaN equity without latching the whole day', () => {
    const ks = new DailyLossKillSwitch({ dailyLossLimit: 0.05, now: clock });
    ks.update(10_000);
    expect(ks.update(Number.NaN).active).to.equal(true);
    expect(ks.update(10_000).active).to.equal(false);
  });

  it('rejects a limit outside (0, 1]', () => {
    expect(() => new DailyLossKillSwitch({ dailyLossLimit: 0, now: clock })).to.throw(RangeError);
    expect(() => new DailyLossKillSwitch({ dailyLossLimit: 5, now: clock })).to.throw(RangeError, /fraction/);
  });
});
