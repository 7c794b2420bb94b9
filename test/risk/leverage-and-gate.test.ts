import { expect } from 'chai';
import { canOpenPosition } from '../../src/risk/can-open-position.js';
import { effectiveLeverage } from '../../src/risk/effective-leverage.js';

describe('effectiveLeverage', () => {
  it('takes the lower of the config and the contract limit', () => {
    expect(effectiveLeverage(10, 5)).to.equal(5);
    expect(effectiveLeverage(3, 100)).to.equal(3);
    expect(effectiveLeverage(20, 20)).to.equal(20);
  });

  it('throws on NaN, Infinity and values below 1', () => {
    expect(() => effectiveLeverage(Number.NaN, 10)).to.throw(RangeError, /configLeverage/);
    expect(() => effectiveLeverage(Number.POSITIVE_INFINITY, 10)).to.throw(RangeError, /configLeverage/);
    expect(() => effectiveLeverage(0.5, 10)).to.throw(RangeError, /configLeverage/);
    expect(() => effectiveLeverage(5, 0)).to.throw(RangeError, /maxLeverage/);
  });
});

describe('canOpenPosition', () => {
  const base = {
    openPositions: ['XBTUSDTM', 'ETHUSDTM'],
    symbol: 'SOLUSDTM',
    maxOpenPositions: 3,
    killSwitchActive: false,
  };

  it('allows a new symbol under the limit', () => {
    expect(canOpenPosition(base)).to.deep.equal({ ok: true });
  });

  it('refuses while the kill switch is active, before any other check', () => {
    expect(canOpenPosition({ ...base, killSwitchActive: true, symbol: 'XBTUSDTM' })).to.deep.equal({
      ok: false,
      reason: 'kill switch is active: no new positions today',
    });
  });

  it('refuses a second position in the same symbol', () => {
    expect(canOpenPosition({ ...base, symbol: 'ETHUSDTM' })).to.deep.equal({
      ok: false,
      reason: 'a position in ETHUSDTM is already open',
    });
  });

  it('refuses at MAX_OPEN_POSITIONS', () => {
    expect(canOpenPosition({ ...base, maxOpenPositions: 2 })).to.deep.equal({
      ok: false,
      reason: 'maxOpenPositions reached: 2 open, limit 2',
    });
    expect(canOpenPosition({ ...base, openPositions: [], maxOpenPositions: 0 }).ok).to.equal(false);
  });

  it('fails closed on nonsense inputs', () => {
    expect(canOpenPosition({ ...base, maxOpenPositions: Number.NaN }).ok).to.equal(false);
    expect(canOpenPosition({ ...base, symbol: '' }).ok).to.equal(false);
    expect(canOpenPosition({ ...base, killSwitchActive: undefined as unknown as boolean }).ok).to.equal(false);
  });
});
