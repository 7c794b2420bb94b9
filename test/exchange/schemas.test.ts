import { expect } from 'chai';
import type { z } from 'zod';
import { isExchangeError } from '../../src/exchange/exchange-error.js';
import {
  accountOverviewSchema,
  bulletSchema,
  cancelByClientOidSchema,
  cancelByIdSchema,
  contractSchema,
  fillPageSchema,
  finite,
  fundingRateSchema,
  klineListSchema,
  level2Schema,
  orderChangeSchema,
  orderPageSchema,
  orderSchema,
  parseOrThrow,
  placedOrderSchema,
  positionChangeSchema,
  positionListSchema,
  positionSchema,
  serverTimeSchema,
  streamTickerSchema,
  tickerSchema,
} from '../../src/exchange/schemas/index.js';
import * as doc from './fixtures/kucoin-doc-examples.js';

function parse<S extends z.ZodType>(schema: S, data: unknown): z.output<S> {
  return parseOrThrow(schema, data, 'ticker');
}

function expectInvalid(schema: z.ZodType, data: unknown): void {
  try {
    parseOrThrow(schema, data, 'ticker');
  } catch (e) {
    expect(isExchangeError(e)).to.equal(true);
    if (isExchangeError(e)) {
      expect(e.code).to.equal('INVALID_RESPONSE');
      expect(e.retryable).to.equal(false);
      expect(e.endpoint).to.equal('ticker');
    }
    return;
  }
  expect.fail(`accepted ${JSON.stringify(data)}`);
}

describe('exchange schemas against KuCoin documentation examples', () => {
  const cases: Array<[string, z.ZodType, doc.DocExample]> = [
    ['contract', contractSchema, doc.contractExample],
    ['ticker', tickerSchema, doc.tickerExample],
    ['level2', level2Schema, doc.level2Example],
    ['klines', klineListSchema, doc.klinesExample],
    ['server time', serverTimeSchema, doc.serverTimeExample],
    ['funding rate', fundingRateSchema, doc.fundingRateExample],
    ['account overview', accountOverviewSchema, doc.accountOverviewExample],
    ['position', positionSchema, doc.positionExample],
    ['position list', positionListSchema, doc.positionListExample],
    ['place order', placedOrderSchema, doc.placeOrderExample],
    ['cancel by id', cancelByIdSchema, doc.cancelByIdExample],
    ['cancel by clientOid', cancelByClientOidSchema, doc.cancelByClientOidExample],
    ['order by id', orderSchema, doc.orderByIdExample],
    ['order list', orderPageSchema, doc.orderListExample],
    ['fills', fillPageSchema, doc.fillsExample],
    ['bullet token', bulletSchema, doc.bulletExample],
    ['ws tickerV2', streamTickerSchema, doc.wsTickerV2Example],
    ['ws order change', orderChangeSchema, doc.wsOrderChangeExample],
    ['ws position change', positionChangeSchema, doc.wsPositionChangeExample],
  ];
  for (const [name, schema, example] of cases) {
    it(`accepts the documented ${name} example (${example.page})`, () => {
      expect(() => parse(schema, example.data)).not.to.throw();
    });
  }

  it('parses string prices into numbers and derives ms from the nanosecond ts', () => {
    const t = parse(tickerSchema, doc.tickerExample.data);
    expect(t.price).to.equal(67158.4);
    expect(t.bestBidPrice).to.equal(67169.6);
    expect(t.bestAskSize).to.equal(7251);
    expect(t.timeMs).to.equal(1729163001780);
  });

  it('maps the contract fields sizing depends on to numbers', () => {
    const c = parse(contractSchema, doc.contractExample.data);
    expect(c).to.include({
      symbol: 'XBTUSDTM',
      multiplier: 0.001,
      lotSize: 1,
      tickSize: 0.1,
      maxLeverage: 125,
      openInterest: 6748176,
    });
    expect(c.fundingRateGranularity).to.equal(28800000);
  });

  it('turns kline rows into named candles', () => {
    const [first] = parse(klineListSchema, doc.klinesExample.data);
    expect(first).to.deep.equal({
      time: 1728576000000,
      open: 60791.1,
      high: 61035,
      low: 58940,
      close: 60300,
      volume: 5501167,
    });
  });

  it('keeps order nulls as null and parses string sizes and values', () => {
    const o = parse(orderSchema, doc.orderByIdExample.data);
    expect(o.stopPrice).to.equal(null);
    expect(o.endAt).to.equal(null);
    expect(o.leverage).to.equal(3);
    expect(o.filledValue).to.equal(0);
    const f = parse(fillPageSchema, doc.fillsExample.data).items[0];
    expect(f?.fee).to.equal(0.05176506);
    expect(f?.price).to.equal(86275.1);
  });
});

describe('exchange schemas reject malformed payloads', () => {
  const good = doc.tickerExample.data as Record<string, unknown>;

  it('rejects a missing required field', () => {
    const { price: _omitted, ...rest } = good;
    expectInvalid(tickerSchema, rest);
  });

  for (const bad of ['abc', 'NaN', 'Infinity', '', '1.2.3', ' ', '0x10']) {
    it(`rejects the price string ${JSON.stringify(bad)}`, () => expectInvalid(tickerSchema, { ...good, price: bad }));
  }

  for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
    it(`rejects the numeric value ${bad}`, () => expectInvalid(tickerSchema, { ...good, bestBidPrice: bad }));
  }

  it('rejects null where a number is required', () => expectInvalid(tickerSchema, { ...good, bestAskPrice: null }));
  it('rejects a body that is not an object', () => expectInvalid(tickerSchema, 'oops'));
  it('rejects a kline row with a non-numeric close', () => expectInvalid(klineListSchema, [[1, 2, 3, 4, 'x', 6]]));
  it('rejects a short kline row', () => expectInvalid(klineListSchema, [[1, 2, 3, 4, 5]]));
  it('rejects a contract with zero lot size', () =>
    expectInvalid(contractSchema, { ...(doc.contractExample.data as object), lotSize: 0 }));
  it('rejects a contract whose multiplier is "NaN"', () =>
    expectInvalid(contractSchema, { ...(doc.contractExample.data as object), multiplier: 'NaN' }));
  it('rejects a position with a non-finite mark price', () =>
    expectInvalid(positionSchema, { ...(doc.positionExample.data as object), markPrice: 'Infinity' }));
  it('rejects an unknown order side', () =>
    expectInvalid(orderSchema, { ...(doc.orderByIdExample.data as object), side: 'long' }));
  it('rejects a bullet token without instance servers', () =>
    expectInvalid(bulletSchema, { token: 't', instanceServers: [] }));

  it('accepts numeric strings with exponent and sign', () => {
    const schema = finite();
    expect(schema.parse('6.1E-5')).to.equal(6.1e-5);
    expect(schema.parse('-0.003')).to.equal(-0.003);
    expect(schema.parse(' 42 ')).to.equal(42);
  });
});
