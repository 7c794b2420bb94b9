import { expect } from 'chai';
import type { ContractSpec } from '../../src/risk/contract-spec.js';
import { positionSize, type PositionSizeInput } from '../../src/risk/position-size.js';

// XBTUSDTM as KuCoin lists it: one lot = 0.001 BTC, whole lots, price tick 0.1.
const XBT: ContractSpec = {
  multiplier: 0.001,
  lotSize: 1,
  tickSize: 0.1,
  maxOrderQty: 1_000_000,
  maxPrice: 1_000_000,
  maxLeverage: 125,
};
// A low-priced contract sold in blocks of 10 lots of 10 units each.
const LOT10: ContractSpec = { multiplier: 10, lotSize: 10, tickSize: 0.00001, maxOrderQty: 100_000, maxLeverage: 50 };

const base: PositionSizeInput = {
  equity: 10_000,
  riskPerTrade: 0.01,
  entryPrice: 60_000,
  stopPrice: 59_400,
  contract: XBT,
  leverage: 5,
  maxNotional: 100_000,
};

describe('positionSize', () => {
  it('sizes XBTUSDTM so the loss at the stop is about 1 % of equity', () => {
    // budget = 10 000 x 0.01 = 100 USDT; loss per lot = (60 000 - 59 400) x 0.001 = 0.6 USDT
    // risk lots = 100 / 0.6 = 166.67 -> 166; margin lots = 10 000 x 5 / (60 000 x 0.001) = 833.3
    // notional lots = 100 000 / 60 = 1666.7 -> risk binds: 166 lots, loss 166 x 0.6 = 99.6 USDT
    const s = positionSize(base);
    expect(s.lots).to.equal(166);
    expect(s.limitedBy).to.equal('risk');
    expect(s.lossAtStop).to.be.closeTo(99.6, 1e-9);
    expect(s.notional).to.be.closeTo(166 * 60, 1e-9);
    expect(s.leverage).to.equal(5);
    expect(s.lossAtStop).to.be.at.most(base.equity * base.riskPerTrade);
  });

  it('sizes a short the same way (stop above entry)', () => {
    expect(positionSize({ ...base, stopPrice: 60_600 }).lots).to.equal(166);
  });

  it('caps by margin when the stop is tight', () => {
    // stop 59 700: loss per lot 0.3 -> risk lots 333.3; margin at 1x = 10 000 / 60 = 166.67 -> 166
    const s = positionSize({ ...base, stopPrice: 59_700, leverage: 1 });
    expect(s.lots).to.equal(166);
    expect(s.limitedBy).to.equal('margin');
  });

  it('uses the contract leverage cap when the config asks for more', () => {
    // config 200x, contract 125x: margin lots = 10 000 x 125 / 60 = 20 833; risk still binds
    const s = positionSize({ ...base, leverage: 200 });
    expect(s.leverage).to.equal(125);
  });

  it('caps by maxNotional', () => {
    // 5 000 / (60 000 x 0.001) = 83.3 -> 83 lots, notional 4 980
    const s = positionSize({ ...base, maxNotional: 5_000 });
    expect(s.lots).to.equal(83);
    expect(s.limitedBy).to.equal('maxNotional');
    expect(s.notional).to.be.closeTo(4980, 1e-9);
  });

  it('caps by the contract maxOrderQty', () => {
    const s = positionSize({ ...base, contract: { ...XBT, maxOrderQty: 100 } });
    expect(s.lots).to.equal(100);
    expect(s.limitedBy).to.equal('maxOrderQty');
  });

  it('rounds down to a multiple of lotSize 10', () => {
    // budget = 1 000 x 0.01 = 10; loss per lot = (0.15 - 0.1455) x 10 = 0.045
    // risk lots = 10 / 0.045 = 222.2 -> down to a multiple of 10 = 220; loss 220 x 0.045 = 9.9
    const s = positionSize({
      ...base,
      equity: 1_000,
      entryPrice: 0.15,
      stopPrice: 0.1455,
      contract: LOT10,
      leverage: 10,
      maxNotional: 1e9,
    });
    expect(s.lots).to.equal(220);
    expect(s.lossAtStop).to.be.closeTo(9.9, 1e-9);
  });

  it('is not cheated by float noise: an exact 200 lots stays 200, not 190', () => {
    // 0.15 - 0.145 = 0.0050000000000000044 in binary: 10 / (that x 10) = 199.99999999999983
    const s = positionSize({
      ...base,
      equity: 1_000,
      entryPrice: 0.15,
      stopPrice: 0.145,
      contract: LOT10,
      leverage: 10,
      maxNotional: 1e9,
    });
    expect(s.lots).to.equal(200);
  });

  it('returns 0 with a reason when the budget buys less than one lot', () => {
    // budget 100 x 0.001 = 0.1 USDT; one XBT lot loses 0.6 at the stop -> 0.1667 lots
    const s = positionSize({ ...base, equity: 100, riskPerTrade: 0.001 });
    expect(s.lots).to.equal(0);
    expect(s.limitedBy).to.equal('risk');
    expect(s.reason).to.match(/risk allows 0\.166667 lots, less than one lotSize of 1/);
  });

  it('returns 0 when a lotSize-10 contract needs fewer than 10 lots', () => {
    const s = positionSize({
      ...base,
      equity: 30,
      entryPrice: 0.15,
      stopPrice: 0.1455,
      contract: LOT10,
      leverage: 10,
      maxNotional: 1e9,
    });
    // budget 0.3 / 0.045 = 6.67 lots < 10
    expect(s.lots).to.equal(0);
    expect(s.reason).to.match(/less than one lotSize of 10/);
  });

  const invalid: Array<[string, Partial<PositionSizeInput>, RegExp]> = [
    ['NaN equity', { equity: Number.NaN }, /equity must be a positive finite number, got NaN/],
    ['negative equity', { equity: -5 }, /equity .* got -5/],
    ['zero riskPerTrade', { riskPerTrade: 0 }, /riskPerTrade must be a fraction in \(0, 1\], got 0/],
    ['riskPerTrade given as a percentage', { riskPerTrade: 2 }, /riskPerTrade .* got 2/],
    ['Infinity entry', { entryPrice: Number.POSITIVE_INFINITY }, /entryPrice .* got Infinity/],
    ['negative stop', { stopPrice: -1 }, /stopPrice .* got -1/],
    ['stop equal to entry', { stopPrice: 60_000 }, /stop distance is zero/],
    ['leverage 0', { leverage: 0 }, /leverage must be a finite number >= 1, got 0/],
    ['NaN maxNotional', { maxNotional: Number.NaN }, /maxNotional must be positive, got NaN/],
    ['a contract with lotSize 0', { contract: { ...XBT, lotSize: 0 } }, /contract\.lotSize .* got 0/],
    [
      'a contract with NaN multiplier',
      { contract: { ...XBT, multiplier: Number.NaN } },
      /contract\.multiplier .* got NaN/,
    ],
  ];
  for (const [name, over, reason] of invalid) {
    it(`returns 0 lots for ${name}`, () => {
      const s = positionSize({ ...base, ...over });
      expect(s.lots).to.equal(0);
      expect(s.reason).to.match(reason);
    });
  }

  it('accepts Infinity as "no notional cap"', () => {
    expect(positionSize({ ...base, maxNotional: Number.POSITIVE_INFINITY }).lots).to.equal(166);
  });

  describe('available margin (account overview availableBalance)', () => {
    it('caps the size by what the account can still pay for, margin plus the taker fee, with headroom', () => {
      // 60 000 x 0.001 = 60 per lot; at 5x margin 12 + fee 0.036 = 12.036; x 1.02 = 12.27672 per lot.
      const s = positionSize({ ...base, availableMargin: 1_000, takerFeeRate: 0.0006 });
      expect(s.limitedBy).to.equal('available');
      expect(s.lots).to.equal(Math.floor(1_000 / 12.27672));
      expect(s.lots * 60 * (1 / 5 + 0.0006)).to.be.below(1_000);
    });

    it('is not the cap while enough margin is free (risk still decides)', () => {
      expect(positionSize({ ...base, availableMargin: 10_000 }).lots).to.equal(166);
    });

    it('sizes to zero when no margin is left, naming the cap', () => {
      const s = positionSize({ ...base, availableMargin: 0 });
      expect(s.lots).to.equal(0);
      expect(s.limitedBy).to.equal('available');
      expect(s.reason).to.match(/available allows/);
    });

    it('rejects a non-finite availableMargin by name', () => {
      expect(positionSize({ ...base, availableMargin: Number.NaN }).reason).to.match(/availableMargin/);
    });
  });
});
