// The venue audit rules, written once: what the exchange holds (orders, fills, positions, stops) as
// plain data, round trips replayed from its fills, and the invariants between the venue and the bot's
// journal, each a pure function returning the violations it found (test/chaos/invariants.test.ts
// shows each rule catches what it claims). Two thin adapters read the venue into this shape: over the
// simulator's signed REST API (test/chaos/support/venue-audit.ts, a separate process) and from the
// in-process simulator (test/e2e/support/venue-audit.ts).

export interface VenueOrder {
  readonly id: string;
  readonly clientOid: string;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly size: number;
  readonly filledSize: number;
  readonly reduceOnly: boolean;
  readonly closeOrder: boolean;
  readonly stop: string;
  readonly stopTriggered: boolean;
  readonly status: string;
}

export interface VenueFill {
  readonly tradeId: string;
  readonly orderId: string;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly price: number;
  readonly size: number;
  readonly fee: number;
  readonly tradeType: string;
  /** ms */
  readonly createdAt: number;
}

export interface VenuePosition {
  readonly symbol: string;
  readonly currentQty: number;
}

export interface VenueContract {
  readonly symbol: string;
  readonly multiplier: number;
}

export interface VenueState {
  readonly orders: readonly VenueOrder[];
  readonly untriggeredStops: readonly VenueOrder[];
  readonly fills: readonly VenueFill[];
  readonly positions: readonly VenuePosition[];
  readonly contracts: ReadonlyMap<string, VenueContract>;
}

export interface StoreIntent {
  readonly clientOid: string;
  readonly kind: string;
  readonly symbol: string;
  readonly state: string;
  readonly orderId: string | null;
}

export interface StoreFill {
  readonly tradeId: string;
  readonly orderId: string;
  readonly clientOid: string | null;
  readonly symbol: string;
  readonly side: string;
  readonly price: number;
  readonly size: number;
  readonly fee: number;
}

export interface StoreTrade {
  readonly id: number;
  readonly symbol: string;
  readonly side: string;
  readonly size: number;
  readonly realisedPnl: number;
  readonly closedAt: number;
}

export interface StorePosition {
  readonly symbol: string;
  readonly side: 'long' | 'short';
  readonly size: number;
  readonly status: string;
}

export interface StoreState {
  readonly intents: readonly StoreIntent[];
  readonly fills: readonly StoreFill[];
  readonly trades: readonly StoreTrade[];
  /** Positions in status open or closing. */
  readonly activePositions: readonly StorePosition[];
}

/**
 * Venue fills at or after this simulated time may not have reached the store yet when the bot
 * stopped (an exchange stop that fired in the bot's last seconds); they are not required in the
 * store, but any the store has must still match.
 */
export interface Cutoff {
  readonly settledBefore: number;
}

const near = (a: number, b: number, tol: number): boolean => Math.abs(a - b) <= tol;

/** No intent reached the venue twice, no venue order is outside the journal, ids agree. */
export function checkNoDuplicateOrders(store: StoreState, venue: Pick<VenueState, 'orders'>): string[] {
  const out: string[] = [];
  const byOid = new Map<string, VenueOrder[]>();
  const seenIds = new Set<string>();
  for (const o of venue.orders) {
    if (seenIds.has(o.id)) continue; // the same order listed by two queries (e.g. a stop that fired while reading)
    seenIds.add(o.id);
    const list = byOid.get(o.clientOid) ?? [];
    list.push(o);
    byOid.set(o.clientOid, list);
  }
  for (const [oid, list] of byOid) {
    if (list.length > 1)
      out.push(`clientOid ${oid}: ${list.length} venue orders (${list.map((o) => o.id).join(', ')})`);
  }
  const journal = new Map(store.intents.map((i) => [i.clientOid, i]));
  for (const oid of byOid.keys()) {
    if (!journal.has(oid)) out.push(`venue order with clientOid ${oid} has no journaled intent`);
  }
  const claimed = new Map<string, string>();
  for (const i of store.intents) {
    if (i.orderId === null) continue;
    const other = claimed.get(i.orderId);
    if (other !== undefined) out.push(`order ${i.orderId} claimed by intents ${other} and ${i.clientOid}`);
    claimed.set(i.orderId, i.clientOid);
    const venueOrders = byOid.get(i.clientOid) ?? [];
    if (venueOrders.length === 0)
      out.push(
        `intent ${i.clientOid} (${i.kind}, ${i.state}) has order ${i.orderId} but the venue knows no order with its clientOid`,
      );
    else if (venueOrders[0]!.id !== i.orderId)
      out.push(`intent ${i.clientOid}: journal says order ${i.orderId}, venue says ${venueOrders[0]!.id}`);
  }
  return out;
}

/** Positions open on the venue without an untriggered reduce-only stop on the exit side covering them. */
export function uncoveredPositions(venue: Pick<VenueState, 'positions' | 'untriggeredStops'>): VenuePosition[] {
  return venue.positions.filter((p) => {
    const long = p.currentQty > 0;
    return !venue.untriggeredStops.some(
      (s) =>
        s.symbol === p.symbol &&
        s.side === (long ? 'sell' : 'buy') &&
        s.stop === (long ? 'down' : 'up') &&
        (s.reduceOnly || s.closeOrder) &&
        (s.closeOrder || s.size >= Math.abs(p.currentQty)),
    );
  });
}

/** Every position open on the venue has an untriggered reduce-only stop on the exit side covering it. */
export function checkStops(venue: Pick<VenueState, 'positions' | 'untriggeredStops'>): string[] {
  return uncoveredPositions(venue).map(
    (p) => `${p.symbol} position ${p.currentQty} lots has no protective stop on the venue`,
  );
}

/** Store fills are venue fills, field for field; venue fills of settled time are all in the store. */
export function checkFills(store: StoreState, venue: Pick<VenueState, 'fills'>, cutoff: Cutoff): string[] {
  const out: string[] = [];
  const key = (tradeId: string, orderId: string): string => `${tradeId}/${orderId}`;
  const venueByKey = new Map(venue.fills.map((f) => [key(f.tradeId, f.orderId), f]));
  const storeKeys = new Set<string>();
  for (const f of store.fills) {
    const k = key(f.tradeId, f.orderId);
    storeKeys.add(k);
    const v = venueByKey.get(k);
    if (!v) {
      out.push(`store fill ${k} (${f.symbol} ${f.side} ${f.size}@${f.price}) does not exist on the venue`);
      continue;
    }
    if (
      v.symbol !== f.symbol ||
      v.side !== f.side ||
      !near(v.size, f.size, 1e-9) ||
      !near(v.price, f.price, 1e-9 * v.price) ||
      !near(v.fee, f.fee, 1e-8)
    ) {
      out.push(
        `fill ${k}: store ${f.symbol} ${f.side} ${f.size}@${f.price} fee ${f.fee} vs venue ${v.symbol} ${v.side} ${v.size}@${v.price} fee ${v.fee}`,
      );
    }
  }
  for (const v of venue.fills) {
    if (v.tradeType !== 'trade' || v.createdAt >= cutoff.settledBefore) continue;
    if (!storeKeys.has(key(v.tradeId, v.orderId)))
      out.push(
        `venue fill ${key(v.tradeId, v.orderId)} (${v.symbol} ${v.side} ${v.size}@${v.price}) is missing from the store`,
      );
  }
  return out;
}

/** One position on the venue from flat to flat (or still open), replayed from its fills. */
export interface RoundTrip {
  readonly symbol: string;
  readonly side: 'long' | 'short';
  /** Orders that opened or added to the position (a second one means a duplicated entry). */
  readonly openingOrderIds: readonly string[];
  readonly closingOrderIds: readonly string[];
  readonly fills: readonly VenueFill[];
  /** Realised PnL before fees (the venue's ledger arithmetic). */
  readonly gross: number;
  readonly fees: number;
  /** gross - fees: KuCoin's realisedPnl without funding, what a journaled trade must equal. */
  readonly net: number;
  readonly complete: boolean;
  /** ms; null while open. */
  readonly closedAt: number | null;
  /** The order whose fill closed this trip and opened the next one the other way (the bot never does that). */
  readonly reversedBy: string | null;
}

type MutableTrip = {
  -readonly [K in keyof Omit<RoundTrip, 'net' | 'openingOrderIds' | 'closingOrderIds' | 'fills'>]: RoundTrip[K];
} & {
  openingOrderIds: string[];
  closingOrderIds: string[];
  fills: VenueFill[];
};

/**
 * Replays venue fills per symbol (time order, fills before `until` only) with the venue's own
 * position arithmetic, cuts them into round trips, and returns the quantity still held per symbol.
 */
export function replayFills(
  fills: readonly VenueFill[],
  multiplier: (symbol: string) => number,
  until = Infinity,
): { trips: RoundTrip[]; held: Map<string, number> } {
  const ordered = fills
    .filter((f) => f.createdAt < until)
    .sort((a, b) => a.createdAt - b.createdAt || (a.tradeId < b.tradeId ? -1 : a.tradeId > b.tradeId ? 1 : 0));
  const open = new Map<string, { qty: number; cost: number; trip: MutableTrip }>();
  const trips: MutableTrip[] = [];
  const startTrip = (f: VenueFill, dir: number): { qty: number; cost: number; trip: MutableTrip } => {
    const trip: MutableTrip = {
      symbol: f.symbol,
      side: dir > 0 ? 'long' : 'short',
      openingOrderIds: [],
      closingOrderIds: [],
      fills: [],
      gross: 0,
      fees: 0,
      complete: false,
      closedAt: null,
      reversedBy: null,
    };
    const state = { qty: 0, cost: 0, trip };
    open.set(f.symbol, state);
    trips.push(trip);
    return state;
  };
  for (const f of ordered) {
    const mult = multiplier(f.symbol);
    const dir = f.side === 'buy' ? 1 : -1;
    let state = open.get(f.symbol) ?? startTrip(f, dir);
    state.trip.fills.push(f);
    state.trip.fees += f.fee;
    let lots = f.size;
    if (state.qty !== 0 && Math.sign(state.qty) !== dir) {
      const trip = state.trip;
      const closed = Math.min(lots, Math.abs(state.qty));
      const entry = state.cost / (state.qty * mult);
      trip.gross += closed * mult * (f.price - entry) * Math.sign(state.qty);
      state.cost -= state.cost * (closed / Math.abs(state.qty));
      state.qty += dir * closed;
      lots -= closed;
      if (!trip.closingOrderIds.includes(f.orderId)) trip.closingOrderIds.push(f.orderId);
      if (state.qty === 0) {
        trip.complete = true;
        trip.closedAt = f.createdAt;
        open.delete(f.symbol);
        if (lots > 0) {
          trip.reversedBy = f.orderId;
          state = startTrip(f, dir);
          state.trip.fills.push(f);
        }
      }
    }
    if (lots > 0) {
      state.qty += dir * lots;
      state.cost += dir * lots * mult * f.price;
      if (!state.trip.openingOrderIds.includes(f.orderId)) state.trip.openingOrderIds.push(f.orderId);
    }
  }
  const held = new Map<string, number>();
  for (const [symbol, state] of open) held.set(symbol, state.qty);
  return { trips: trips.map((t) => ({ ...t, net: t.gross - t.fees })), held };
}

export interface Episode {
  readonly symbol: string;
  /** Net of fees, as KuCoin's realisedPnl without funding. */
  readonly netPnl: number;
  readonly closedAt: number;
}

/** The round trips that went back to flat, and the quantity still held per symbol. */
export function venueEpisodes(
  fills: readonly VenueFill[],
  multiplier: (symbol: string) => number,
  until = Infinity,
): { episodes: Episode[]; held: Map<string, number> } {
  const { trips, held } = replayFills(fills, multiplier, until);
  const episodes = trips
    .filter((t) => t.complete)
    .map((t) => ({ symbol: t.symbol, netPnl: t.net, closedAt: t.closedAt! }));
  return { episodes, held };
}

/** Every round trip was opened by one order (a second opening order is a duplicated entry). */
export function checkSingleEntry(trips: readonly RoundTrip[]): string[] {
  return trips
    .filter((t) => t.openingOrderIds.length !== 1)
    .map(
      (t) =>
        `${t.symbol} ${t.side} position opened by ${t.openingOrderIds.length} orders: ${t.openingOrderIds.join(', ')}`,
    );
}

/** Each closed trade in the store has the venue's realised PnL for that episode, to the cent (within half a cent). */
export function checkTradePnl(store: StoreState, episodes: readonly Episode[], cutoff: Cutoff): string[] {
  const out: string[] = [];
  const symbols = new Set([...store.trades.map((t) => t.symbol), ...episodes.map((e) => e.symbol)]);
  for (const symbol of symbols) {
    const trades = store.trades
      .filter((t) => t.symbol === symbol)
      .sort((a, b) => a.closedAt - b.closedAt || a.id - b.id);
    const eps = episodes.filter((e) => e.symbol === symbol).sort((a, b) => a.closedAt - b.closedAt);
    const settled = eps.filter((e) => e.closedAt < cutoff.settledBefore).length;
    if (trades.length < settled || trades.length > eps.length) {
      out.push(
        `${symbol}: ${trades.length} closed trade(s) in the store, venue closed ${eps.length} position(s) (${settled} before the cutoff)`,
      );
      continue;
    }
    trades.forEach((t, i) => {
      const e = eps[i]!;
      if (!(Math.abs(t.realisedPnl - e.netPnl) < 0.005)) {
        out.push(
          `${symbol} trade #${t.id}: store realised ${t.realisedPnl.toFixed(4)} vs venue ${e.netPnl.toFixed(4)} USDT`,
        );
      }
    });
  }
  return out;
}

/**
 * The store's open positions are the venue's (symbol, side, size) as of the cutoff; a symbol the
 * venue traded after the cutoff may legitimately disagree and is skipped.
 */
export function checkPositions(
  store: StoreState,
  heldAtCutoff: ReadonlyMap<string, number>,
  lateSymbols: ReadonlySet<string>,
  live: readonly VenuePosition[],
): string[] {
  const out: string[] = [];
  const symbols = new Set([
    ...store.activePositions.map((p) => p.symbol),
    ...heldAtCutoff.keys(),
    ...live.map((p) => p.symbol),
  ]);
  for (const symbol of symbols) {
    if (lateSymbols.has(symbol)) continue;
    const s = store.activePositions.find((p) => p.symbol === symbol);
    const storeQty = s === undefined ? 0 : s.side === 'long' ? s.size : -s.size;
    const venueQty = heldAtCutoff.get(symbol) ?? 0;
    if (!near(storeQty, venueQty, 1e-9)) out.push(`${symbol}: store holds ${storeQty} lots, venue ${venueQty}`);
  }
  return out;
}
