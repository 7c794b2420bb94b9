// The chaos run's end-state invariants as pure functions over plain data (the bot's SQLite store
// and the venue's REST view), each returning the list of violations it found, so each rule can be
// shown to catch what it claims (invariants.test.ts) before the chaos run relies on it.
import type { VenueFill, VenueOrder, VenuePosition, VenueState } from './venue-audit.js';

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
    if (list.length > 1) out.push(`clientOid ${oid}: ${list.length} venue orders (${list.map((o) => o.id).join(', ')})`);
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
    if (venueOrders.length === 0) out.push(`intent ${i.clientOid} (${i.kind}, ${i.state}) has order ${i.orderId} but the venue knows no order with its clientOid`);
    else if (venueOrders[0]!.id !== i.orderId) out.push(`intent ${i.clientOid}: journal says order ${i.orderId}, venue says ${venueOrders[0]!.id}`);
  }
  return out;
}

/** Every position open on the venue has an untriggered reduce-only stop on the exit side covering it. */
export function checkStops(venue: Pick<VenueState, 'positions' | 'untriggeredStops'>): string[] {
  const out: string[] = [];
  for (const p of venue.positions) {
    const long = p.currentQty > 0;
    const covering = venue.untriggeredStops.filter(
      (s) =>
        s.symbol === p.symbol &&
        s.side === (long ? 'sell' : 'buy') &&
        s.stop === (long ? 'down' : 'up') &&
        (s.reduceOnly || s.closeOrder) &&
        (s.closeOrder || s.size >= Math.abs(p.currentQty)),
    );
    if (covering.length === 0) out.push(`${p.symbol} position ${p.currentQty} lots has no protective stop on the venue`);
  }
  return out;
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
    if (v.symbol !== f.symbol || v.side !== f.side || !near(v.size, f.size, 1e-9) || !near(v.price, f.price, 1e-9 * v.price) || !near(v.fee, f.fee, 1e-8)) {
      out.push(`fill ${k}: store ${f.symbol} ${f.side} ${f.size}@${f.price} fee ${f.fee} vs venue ${v.symbol} ${v.side} ${v.size}@${v.price} fee ${v.fee}`);
    }
  }
  for (const v of venue.fills) {
    if (v.tradeType !== 'trade' || v.createdAt >= cutoff.settledBefore) continue;
    if (!storeKeys.has(key(v.tradeId, v.orderId))) out.push(`venue fill ${key(v.tradeId, v.orderId)} (${v.symbol} ${v.side} ${v.size}@${v.price}) is missing from the store`);
  }
  return out;
}

export interface Episode {
  readonly symbol: string;
  /** Net of fees, as KuCoin's realisedPnl without funding. */
  readonly netPnl: number;
  readonly closedAt: number;
}

/**
 * Replays venue fills per symbol (time order) with the venue's own position arithmetic and returns
 * each position episode that went back to flat, and the quantity still held per symbol.
 */
export function venueEpisodes(fills: readonly VenueFill[], multiplier: (symbol: string) => number, until = Infinity): { episodes: Episode[]; held: Map<string, number> } {
  const episodes: Episode[] = [];
  const held = new Map<string, number>();
  const bySymbol = new Map<string, VenueFill[]>();
  for (const f of fills) {
    if (f.createdAt >= until) continue;
    const list = bySymbol.get(f.symbol) ?? [];
    list.push(f);
    bySymbol.set(f.symbol, list);
  }
  for (const [symbol, list] of bySymbol) {
    list.sort((a, b) => a.createdAt - b.createdAt || (a.tradeId < b.tradeId ? -1 : a.tradeId > b.tradeId ? 1 : 0));
    const mult = multiplier(symbol);
    let qty = 0;
    let cost = 0;
    let gross = 0;
    let fees = 0;
    for (const f of list) {
      const dir = f.side === 'buy' ? 1 : -1;
      let lots = f.size;
      fees += f.fee;
      if (qty !== 0 && Math.sign(qty) !== dir) {
        const closed = Math.min(lots, Math.abs(qty));
        const entry = cost / (qty * mult);
        gross += closed * mult * (f.price - entry) * Math.sign(qty);
        cost -= cost * (closed / Math.abs(qty));
        qty += dir * closed;
        lots -= closed;
        if (qty === 0) {
          episodes.push({ symbol, netPnl: gross - fees, closedAt: f.createdAt });
          cost = 0;
          gross = 0;
          fees = 0;
        }
      }
      if (lots > 0) {
        qty += dir * lots;
        cost += dir * lots * mult * f.price;
      }
    }
    if (qty !== 0) held.set(symbol, qty);
  }
  return { episodes, held };
}

/** Each closed trade in the store has the venue's realised PnL for that episode, to the cent (within half a cent). */
export function checkTradePnl(store: StoreState, episodes: readonly Episode[], cutoff: Cutoff): string[] {
  const out: string[] = [];
  const symbols = new Set([...store.trades.map((t) => t.symbol), ...episodes.map((e) => e.symbol)]);
  for (const symbol of symbols) {
    const trades = store.trades.filter((t) => t.symbol === symbol).sort((a, b) => a.closedAt - b.closedAt || a.id - b.id);
    const eps = episodes.filter((e) => e.symbol === symbol).sort((a, b) => a.closedAt - b.closedAt);
    const settled = eps.filter((e) => e.closedAt < cutoff.settledBefore).length;
    if (trades.length < settled || trades.length > eps.length) {
      out.push(`${symbol}: ${trades.length} closed trade(s) in the store, venue closed ${eps.length} position(s) (${settled} before the cutoff)`);
      continue;
    }
    trades.forEach((t, i) => {
      const e = eps[i]!;
      if (!(Math.abs(t.realisedPnl - e.netPnl) < 0.005)) {
        out.push(`${symbol} trade #${t.id}: store realised ${t.realisedPnl.toFixed(4)} vs venue ${e.netPnl.toFixed(4)} USDT`);
      }
    });
  }
  return out;
}

/**
 * The store's open positions are the venue's (symbol, side, size) as of the cutoff; a symbol the
 * venue traded after the cutoff may legitimately disagree and is skipped.
 */
export function checkPositions(store: StoreState, heldAtCutoff: ReadonlyMap<string, number>, lateSymbols: ReadonlySet<string>, live: readonly VenuePosition[]): string[] {
  const out: string[] = [];
  const symbols = new Set([...store.activePositions.map((p) => p.symbol), ...heldAtCutoff.keys(), ...live.map((p) => p.symbol)]);
  for (const symbol of symbols) {
    if (lateSymbols.has(symbol)) continue;
    const s = store.activePositions.find((p) => p.symbol === symbol);
    const storeQty = s === undefined ? 0 : s.side === 'long' ? s.size : -s.size;
    const venueQty = heldAtCutoff.get(symbol) ?? 0;
    if (!near(storeQty, venueQty, 1e-9)) out.push(`${symbol}: store holds ${storeQty} lots, venue ${venueQty}`);
  }
  return out;
}
