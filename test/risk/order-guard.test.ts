import { expect } from 'chai';
import type { ContractSpec } from '../../src/risk/contract-spec.js';
import { floorToLot, roundToTick } from '../../src/risk/step-rounding.js';
import { guardOrder, type GuardField, type GuardedOrder, type OrderLimits } from '../../src/risk/order-guard.js';

const XBT: ContractSpec = {
  multiplier: 0.001,
  lotSize: 1,
  tickSize: 0.1,
  maxOrderQty: 1_000_000,
  maxPrice: 1_000_000,
  maxLeverage: 125,
};
const LOT10: ContractSpec = {
  multiplier: 10,
  lotSize: 10,
  tickSize: 0.00001,
  maxOrderQty: 1_000,
  maxPrice: 1_000,
  maxLeverage: 50,
};
const limits: OrderLimits = { maxNotional: 10_000, maxLeverage: 20 };

const limitOrder: GuardedOrder = { side: 'buy', type: 'limit', size: 100, price: 60_000.1, leverage: 5 };
const marketOrder: GuardedOrder = { side: 'sell', type: 'market', size: 100, referencePrice: 60_000, leverage: 5 };

function rejected(order: GuardedOrder, field: GuardField, reason: RegExp, contract = XBT, lim = limits): void {
  const v = guardOrder(order, contract, lim);
  expect(v.ok, JSON.stringify(v)).to.equal(false);
  if (!v.ok) {
    expect(v.field).to.equal(field);
    expect(v.reason).to.match(reason);
  }
}

describe('guardOrder', () => {
  it('passes a valid limit order: 100 lots x 0.001 x 60 000.1 = 6 000.01 USDT notional', () => {
    expect(guardOrder(limitOrder, XBT, limits)).to.deep.equal({ ok: true });
  });

  it('passes a valid market order valued at the reference price', () => {
    expect(guardOrder(marketOrder, XBT, limits)).to.deep.equal({ ok: true });
  });

  it('passes a lotSize-10 order of 30 lots', () => {
    // 30 x 10 x 0.15 = 45 USDT
    expect(guardOrder({ side: 'buy', type: 'limit', size: 30, price: 0.15, leverage: 3 }, LOT10, limits)).to.deep.equal(
      { ok: true },
    );
  });

  describe('size', () => {
    it('rejects NaN', () =>
      rejected({ ...limitOrder, size: Number.NaN }, 'size', /size must be a positive finite number, got NaN/));
    it('rejects Infinity', () => rejected({ ...limitOrder, size: Number.POSITIVE_INFINITY }, 'size', /got Infinity/));
    it('rejects a negative size', () => rejected({ ...limitOrder, size: -1 }, 'size', /got -1/));
    it('rejects zero', () => rejected({ ...limitOrder, size: 0 }, 'size', /got 0/));
    it('rejects a string from an untyped caller', () =>
      rejected({ ...limitOrder, size: '5' as unknown as number }, 'size', /got 5/));
    it('rejects a fractional size on a lotSize-1 contract', () =>
      rejected({ ...limitOrder, size: 1.5 }, 'size', /size 1.5 is not a multiple of lotSize 1/));
    it('rejects 15 lots on a lotSize-10 contract', () =>
      rejected(
        { side: 'buy', type: 'limit', size: 15, price: 0.15, leverage: 3 },
        'size',
        /size 15 is not a multiple of lotSize 10/,
        LOT10,
      ));
    it('rejects a size above maxOrderQty', () =>
      rejected(
        { side: 'buy', type: 'limit', size: 1_010, price: 0.15, leverage: 3 },
        'size',
        /size 1010 is above the contract maxOrderQty 1000/,
        LOT10,
      ));
  });

  describe('price', () => {
    it('requires a price on a limit order', () =>
      rejected({ ...limitOrder, price: undefined }, 'price', /price must be a positive finite number, got undefined/));
    it('rejects a NaN price', () => rejected({ ...limitOrder, price: Number.NaN }, 'price', /got NaN/));
    it('rejects a negative price', () => rejected({ ...limitOrder, price: -60_000 }, 'price', /got -60000/));
    it('rejects an off-tick price', () =>
      rejected({ ...limitOrder, price: 60_000.15 }, 'price', /price 60000.15 is not a multiple of tickSize 0.1/));
    it('rejects a price above maxPrice', () =>
      rejected({ ...limitOrder, size: 1, price: 1_000_000.1 }, 'price', /above the contract maxPrice 1000000/));
    it('rejects a float-noisy price that would serialise off-tick (0.1 + 0.2 = "0.30000000000000004")', () => {
      rejected(
        { ...limitOrder, price: 0.1 + 0.2 },
        'price',
        /price 0.30000000000000004 is not a multiple of tickSize 0.1/,
      );
    });
    it('accepts the same price once rounded with roundToTick', () => {
      expect(guardOrder({ ...limitOrder, price: roundToTick(0.1 + 0.2, 0.1, 'nearest') }, XBT, limits).ok).to.equal(
        true,
      );
    });
    it('accepts a size the sizer produced for a lotSize-10 contract', () => {
      const lots = floorToLot(222.2, 10);
      expect(
        guardOrder({ side: 'buy', type: 'limit', size: lots, price: 0.15, leverage: 3 }, LOT10, limits).ok,
      ).to.equal(true);
    });
  });

  describe('stopPrice', () => {
    it('rejects an off-tick stop', () =>
      rejected(
        { ...marketOrder, stopPrice: 59_000.05 },
        'stopPrice',
        /stopPrice 59000.05 is not a multiple of tickSize 0.1/,
      ));
    it('rejects a NaN stop', () =>
      rejected(
        { ...marketOrder, stopPrice: Number.NaN },
        'stopPrice',
        /stopPrice must be a positive finite number, got NaN/,
      ));
    it('rejects a stop above maxPrice', () =>
      rejected({ ...marketOrder, stopPrice: 2_000_000 }, 'stopPrice', /above the contract maxPrice/));
  });

  describe('referencePrice (market orders)', () => {
    it('requires one to value a market order', () =>
      rejected(
        { ...marketOrder, referencePrice: undefined },
        'referencePrice',
        /referencePrice must be a positive finite number, got undefined/,
      ));
    it('rejects a NaN reference price even on a reduce-only order', () =>
      rejected({ ...marketOrder, reduceOnly: true, referencePrice: Number.NaN }, 'referencePrice', /got NaN/));
  });

  describe('leverage', () => {
    it('requires leverage on an opening order', () =>
      rejected(
        { ...limitOrder, leverage: undefined },
        'leverage',
        /leverage must be a finite number >= 1, got undefined/,
      ));
    it('rejects NaN leverage', () => rejected({ ...limitOrder, leverage: Number.NaN }, 'leverage', /got NaN/));
    it('rejects leverage below 1', () => rejected({ ...limitOrder, leverage: 0.5 }, 'leverage', /got 0.5/));
    it('rejects leverage above the config limit', () =>
      rejected(
        { ...limitOrder, leverage: 21 },
        'leverage',
        /leverage 21 is above the limit 20 \(contract 125, config 20\)/,
      ));
    it('rejects leverage above the contract limit', () =>
      rejected(
        { side: 'buy', type: 'limit', size: 30, price: 0.15, leverage: 60 },
        'leverage',
        /leverage 60 is above the limit 50/,
        LOT10,
        { maxNotional: 1e6, maxLeverage: 100 },
      ));
  });

  describe('notional', () => {
    it('rejects a limit order above MAX_NOTIONAL: 200 x 0.001 x 60 000 = 12 000 > 10 000', () =>
      rejected(
        { ...limitOrder, size: 200, price: 60_000 },
        'notional',
        /notional 12000 \(size 200 x multiplier 0.001 x price 60000\) is above maxNotional 10000/,
      ));
    it('rejects a market order above MAX_NOTIONAL at the reference price', () =>
      rejected({ ...marketOrder, size: 167 }, 'notional', /notional 10020/));
    it('accepts exactly MAX_NOTIONAL: 100 lots x 10 x 10 = 10 000', () => {
      expect(guardOrder({ side: 'buy', type: 'limit', size: 100, price: 10, leverage: 1 }, LOT10, limits).ok).to.equal(
        true,
      );
    });
    it('lets a reduce-only close through above MAX_NOTIONAL (a winning position must stay closable)', () => {
      expect(
        guardOrder({ side: 'sell', type: 'market', size: 500, referencePrice: 60_000, reduceOnly: true }, XBT, limits),
      ).to.deep.equal({ ok: true });
    });
    it('still checks size, lot and maxOrderQty on reduce-only orders', () => {
      rejected({ side: 'sell', type: 'market', size: Number.NaN, reduceOnly: true }, 'size', /NaN/);
      rejected({ side: 'sell', type: 'market', size: 2_000_000, reduceOnly: true }, 'size', /maxOrderQty/);
    });
  });

  describe('side, type, contract and limits', () => {
    it('rejects an unknown side', () =>
      rejected({ ...limitOrder, side: 'long' as 'buy' }, 'side', /side must be 'buy' or 'sell', got long/));
    it('rejects an unknown type', () =>
      rejected({ ...limitOrder, type: 'stop' as 'limit' }, 'type', /type must be 'market' or 'limit', got stop/));
    it('rejects a broken contract', () =>
      rejected(limitOrder, 'contract', /contract\.tickSize must be a positive finite number, got NaN/, {
        ...XBT,
        tickSize: Number.NaN,
      }));
    it('rejects a broken contract maxPrice', () =>
      rejected(limitOrder, 'contract', /contract\.maxPrice .* got -1/, { ...XBT, maxPrice: -1 }));
    it('rejects a NaN MAX_NOTIONAL', () =>
      rejected(limitOrder, 'limits', /limits\.maxNotional must be positive, got NaN/, XBT, {
        ...limits,
        maxNotional: Number.NaN,
      }));
    it('rejects a NaN config leverage cap', () =>
      rejected(limitOrder, 'limits', /limits\.maxLeverage .* got NaN/, XBT, { ...limits, maxLeverage: Number.NaN }));
  });
});
