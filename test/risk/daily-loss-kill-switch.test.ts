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

describe('checkDailyLoss (limit is a fraction of start-of-day equity)', () => {
  // 10 000 USDT at midnight, 5 % limit -> trips at a 500 USDT loss
  const base = { startOfDayEquity: 10_000, dailyLossLimit: 0.05 };

  it('stays off just below the limit', () => {
    // realised -300 + unrealised -199.99 = -499.99
    const c = checkDailyLoss({ ...base, realisedToday: -300, unrealised: -199.99 });
    expect(c.tripped).to.equal(false);
    expect(c.lossToday).to.be.closeTo(499.99, 1e-9);
    expect(c.limitAmount).to.equal(500);
  });

  it('trips exactly at the limit', () => {
    expect(isKillSwitchTripped({ ...base, realisedToday: -300, unrealised: -200 })).to.equal(true);
  });

  it('counts unrealised losses, and lets open profit offset realised losses', () => {
    expect(isKillSwitchTripped({ ...base, realisedToday: 0, unrealised: -600 })).to.equal(true);
    expect(isKillSwitchTripped({ ...base, realisedToday: -600, unrealised: 200 })).to.equal(false);
  });

  it('reports zero loss on a winning day', () => {
    expect(checkDailyLoss({ ...base, realisedToday: 250 }).lossToday).to.equal(0);
  });

  it('fails closed (tripped) on NaN, Infinity or a nonsense limit', () => {
    expect(isKillSwitchTripped({ ...base, realisedToday: Number.NaN })).to.equal(true);
    expect(isKillSwitchTripped({ ...base, realisedToday: 0, unrealised: Number.NEGATIVE_INFINITY })).to.equal(true);
    expect(isKillSwitchTripped({ ...base, realisedToday: 0, startOfDayEquity: 0 })).to.equal(true);
    expect(isKillSwitchTripped({ ...base, realisedToday: 0, dailyLossLimit: 5 })).to.equal(true);
    expect(checkDailyLoss({ ...base, realisedToday: Number.NaN }).reason).to.match(/fails closed .* realisedToday NaN/);
  });
});

describe('DailyLossKillSwitch', () => {
  const day1 = Date.UTC(2024, 0, 1);
  let now = day1;
  const clock = (): number => now;

  beforeEach(() => { now = day1 + 10 * 3_600_000; });

  it('latches once tripped, even if the open loss recovers the same day', () => {
    const ks = new DailyLossKillSwitch({ dailyLossLimit: 0.05, now: clock });
    expect(ks.update(10_000).active).to.equal(false); // start of day equity = 10 000, limit 500
    ks.recordRealised(-400);
    expect(ks.update(9_600, -99).active).to.equal(false); // loss 499
    const s = ks.update(9_600, -100); // loss 500
    expect(s.active).to.equal(true);
    expect(s.reason).to.match(/daily loss 500 reached the limit 500/);
    expect(ks.update(9_600, +300).active).to.equal(true);
    expect(ks.isActive()).to.equal(true);
  });

  it('resets at UTC midnight and takes the new day\'s equity as its base', () => {
    const ks = new DailyLossKillSwitch({ dailyLossLimit: 0.05, now: clock });
    ks.update(10_000);
    ks.recordRealised(-600);
    expect(ks.update(9_400).active).to.equal(true);
    now = day1 + DAY_MS - 1; // 23:59:59.999 still day 1
    expect(ks.isActive()).to.equal(true);
    now = day1 + DAY_MS; // 00:00:00.000 day 2
    expect(ks.isActive()).to.equal(false);
    const s = ks.update(9_400);
    expect(s).to.deep.equal({ active: false, day: day1 + DAY_MS, startOfDayEquity: 9_400, realisedToday: 0 });
    // 5 % of 9 400 = 470
    ks.recordRealised(-469);
    expect(ks.update(8_931).active).to.equal(false);
    ks.recordRealised(-1);
    expect(ks.update(8_930).active).to.equal(true);
  });

  it('counts realised PnL recorded before the first equity update of the day', () => {
    const ks = new DailyLossKillSwitch({ dailyLossLimit: 0.1, now: clock });
    ks.recordRealised(-1_000);
    expect(ks.update(10_000).active).to.equal(true);
  });

  it('blocks on a NaN equity or PnL without latching the whole day', () => {
    const ks = new DailyLossKillSwitch({ dailyLossLimit: 0.05, now: clock });
    ks.update(10_000);
    expect(ks.update(10_000, Number.NaN).active).to.equal(true);
    expect(ks.update(10_000, 0).active).to.equal(false);
    expect(() => ks.recordRealised(Number.NaN)).to.throw(RangeError);
  });

  it('rejects a limit outside (0, 1]', () => {
    expect(() => new DailyLossKillSwitch({ dailyLossLimit: 0, now: clock })).to.throw(RangeError);
    expect(() => new DailyLossKillSwitch({ dailyLossLimit: 5, now: clock })).to.throw(RangeError, /fraction/);
  });
});
