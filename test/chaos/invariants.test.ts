// The chaos run's invariant checks catch what they claim to, on small hand-made states.
import { expect } from 'chai';
import {
  checkFills,
  checkNoDuplicateOrders,
  checkPositions,
  checkSingleEntry,
  checkStops,
  checkTradePnl,
  replayFills,
  venueEpisodes,
  type StoreState,
  type VenueFill,
  type VenueOrder,
} from '../support/venue-rules.js';

const order = (o: Partial<VenueOrder>): VenueOrder => ({
  id: '1',
  clientOid: 'a',
  symbol: 'XBTUSDTM',
  side: 'buy',
  size: 10,
  filledSize: 10,
  reduceOnly: false,
  closeOrder: false,
  stop: '',
  stopTriggered: false,
  status: 'done',
  ...o,
});
const fill = (f: Partial<VenueFill>): VenueFill => ({
  tradeId: 't1',
  orderId: '1',
  symbol: 'XBTUSDTM',
  side: 'buy',
  price: 100,
  size: 10,
  fee: 0.6,
  tradeType: 'trade',
  createdAt: 1000,
  ...f,
});
const empty: StoreState = { intents: [], fills: [], trades: [], activePositions: [] };

describe('chaos invariants', () => {
  it('flags two venue orders for one clientOid, unjournaled orders and id mismatches', () => {
    const store: StoreState = {
      ...empty,
      intents: [{ clientOid: 'a', kind: 'entry', symbol: 'XBTUSDTM', state: 'filled', orderId: '1' }],
    };
    expect(checkNoDuplicateOrders(store, { orders: [order({})] })).to.deep.equal([]);
    expect(checkNoDuplicateOrders(store, { orders: [order({}), order({ id: '2' })] }).join()).to.match(
      /clientOid a: 2 venue orders/,
    );
    expect(checkNoDuplicateOrders(store, { orders: [order({}), order({ id: '3', clientOid: 'x' })] }).join()).to.match(
      /x has no journaled intent/,
    );
    expect(checkNoDuplicateOrders(store, { orders: [order({ id: '9' })] }).join()).to.match(
      /journal says order 1, venue says 9/,
    );
  });

  it('flags an open position without a covering reduce-only stop on the exit side', () => {
    const stop = order({ id: 's', side: 'sell', stop: 'down', reduceOnly: true, status: 'open', filledSize: 0 });
    expect(checkStops({ positions: [{ symbol: 'XBTUSDTM', currentQty: 10 }], untriggeredStops: [stop] })).to.deep.equal(
      [],
    );
    expect(checkStops({ positions: [{ symbol: 'XBTUSDTM', currentQty: 10 }], untriggeredStops: [] })).to.have.length(1);
    expect(
      checkStops({ positions: [{ symbol: 'XBTUSDTM', currentQty: 20 }], untriggeredStops: [stop] }),
    ).to.have.length(1);
    expect(
      checkStops({ positions: [{ symbol: 'XBTUSDTM', currentQty: -10 }], untriggeredStops: [stop] }),
    ).to.have.length(1);
  });

  it('flags store fills the venue lacks or disagrees with, and settled venue fills the store lacks', () => {
    const sf = {
      tradeId: 't1',
      orderId: '1',
      clientOid: 'a',
      symbol: 'XBTUSDTM',
      side: 'buy',
      price: 100,
      size: 10,
      fee: 0.6,
    };
    expect(checkFills({ ...empty, fills: [sf] }, { fills: [fill({})] }, { settledBefore: 5000 })).to.deep.equal([]);
    expect(
      checkFills({ ...empty, fills: [{ ...sf, fee: 0.7 }] }, { fills: [fill({})] }, { settledBefore: 5000 }),
    ).to.have.length(1);
    expect(checkFills({ ...empty, fills: [sf] }, { fills: [] }, { settledBefore: 5000 })).to.have.length(1);
    expect(checkFills(empty, { fills: [fill({})] }, { settledBefore: 5000 })).to.have.length(1);
    expect(checkFills(empty, { fills: [fill({ createdAt: 6000 })] }, { settledBefore: 5000 })).to.deep.equal([]);
  });

  it('replays venue fills into episodes and compares closed-trade PnL to the cent', () => {
    const fills = [
      fill({}),
      fill({ tradeId: 't2', orderId: '2', side: 'sell', price: 110, fee: 0.66, createdAt: 2000 }),
    ];
    const { episodes, held } = venueEpisodes(fills, () => 1);
    expect(episodes).to.have.length(1);
    expect(episodes[0]!.netPnl).to.be.closeTo(100 - 1.26, 1e-9);
    expect(held.size).to.equal(0);
    const trade = { id: 1, symbol: 'XBTUSDTM', side: 'long', size: 10, realisedPnl: 98.74, closedAt: 2000 };
    expect(checkTradePnl({ ...empty, trades: [trade] }, episodes, { settledBefore: 5000 })).to.deep.equal([]);
    expect(
      checkTradePnl({ ...empty, trades: [{ ...trade, realisedPnl: 98.73 }] }, episodes, { settledBefore: 5000 }),
    ).to.have.length(1);
    expect(checkTradePnl(empty, episodes, { settledBefore: 5000 })).to.have.length(1);
    expect(checkPositions(empty, venueEpisodes(fills.slice(0, 1), () => 1).held, new Set(), [])).to.have.length(1);
  });

  it('cuts fills into round trips: opening and closing orders, a second entry and a reversal named', () => {
    const fills = [
      fill({}),
      fill({ tradeId: 't2', orderId: '2', createdAt: 1500 }),
      fill({ tradeId: 't3', orderId: '3', side: 'sell', size: 25, price: 110, createdAt: 2000 }),
    ];
    const { trips, held } = replayFills(fills, () => 1);
    expect(trips.map((t) => [t.side, t.openingOrderIds, t.closingOrderIds, t.complete, t.reversedBy])).to.deep.equal([
      ['long', ['1', '2'], ['3'], true, '3'],
      ['short', ['3'], [], false, null],
    ]);
    expect(trips[0]!.gross).to.be.closeTo(200, 1e-9);
    expect(held.get('XBTUSDTM')).to.equal(-5);
    expect(checkSingleEntry(trips)).to.deep.equal(['XBTUSDTM long position opened by 2 orders: 1, 2']);
    expect(replayFills(fills, () => 1, 1600).trips[0]!.complete).to.equal(false);
  });
});
