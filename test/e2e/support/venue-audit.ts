// What the exchange (the in-process simulator the bot trades on) and the bot's SQLite journal say,
// side by side: round trips rebuilt from the venue's fills, open positions and their stop orders,
// every order the venue ever received, and the journal's intents, positions and trades.
import type { SimulatorHandle } from '../../../src/simulator/simulator.js';
import type { SimFill, SimOrder } from '../../../src/simulator/trading-engine.js';
import { openDatabase, storePath } from '../../../src/store/index.js';

/** One position on the venue from flat to flat (or still open), rebuilt from its fills. */
export interface RoundTrip {
  readonly symbol: string;
  readonly side: 'long' | 'short';
  /** Orders that opened or added to the position (a second one means a duplicated entry). */
  readonly openingOrderIds: readonly string[];
  readonly closingOrderIds: readonly string[];
  readonly fills: readonly SimFill[];
  /** Realised PnL before fees (the venue's ledger arithmetic). */
  readonly gross: number;
  readonly fees: number;
  /** gross - fees: what a journaled trade's realisedPnl must equal. */
  readonly net: number;
  readonly complete: boolean;
  readonly closedAt: number | null;
}

/** Every order the venue holds: regular (incl. triggered stops) and untriggered stops. */
export function venueOrders(sim: SimulatorHandle): SimOrder[] {
  return [...sim.engine.listOrders({}), ...sim.engine.listStopOrders({})];
}

/** The bot's entry orders on the venue (not reduce-only, not a close, not a stop). */
export function entryOrders(sim: SimulatorHandle): SimOrder[] {
  return venueOrders(sim).filter((o) => !o.reduceOnly && !o.closeOrder && o.stop === null);
}

/** Fills oldest first. */
export function venueFills(sim: SimulatorHandle): SimFill[] {
  return sim.engine.listFills({}).slice().reverse();
}

/** Replays the fills per symbol the way the venue's ledger does and cuts them into round trips. */
export function roundTrips(sim: SimulatorHandle): RoundTrip[] {
  const multiplier = new Map(sim.engine.ledger.all().map((p) => [p.symbol, p.spec.multiplier]));
  const open = new Map<string, { qty: number; cost: number; trip: MutableTrip }>();
  const trips: MutableTrip[] = [];
  for (const f of venueFills(sim)) {
    const mult = multiplier.get(f.symbol);
    if (mult === undefined) throw new Error(`no contract multiplier for ${f.symbol}`);
    const dir = f.side === 'buy' ? 1 : -1;
    let state = open.get(f.symbol);
    if (state === undefined) {
      const trip: MutableTrip = { symbol: f.symbol, side: dir > 0 ? 'long' : 'short', openingOrderIds: [], closingOrderIds: [], fills: [], gross: 0, fees: 0, complete: false, closedAt: null };
      state = { qty: 0, cost: 0, trip };
      open.set(f.symbol, state);
      trips.push(trip);
    }
    const trip = state.trip;
    trip.fills.push(f);
    trip.fees += f.fee;
    let lots = f.size;
    if (state.qty !== 0 && Math.sign(state.qty) !== dir) {
      const closed = Math.min(lots, Math.abs(state.qty));
      const entry = state.cost / (state.qty * mult);
      trip.gross += closed * mult * (f.price - entry) * Math.sign(state.qty);
      const frac = closed / Math.abs(state.qty);
      state.cost -= state.cost * frac;
      state.qty += dir * closed;
      lots -= closed;
      if (!trip.closingOrderIds.includes(f.orderId)) trip.closingOrderIds.push(f.orderId);
      if (state.qty === 0) {
        trip.complete = true;
        trip.closedAt = f.tradeTime;
        open.delete(f.symbol);
        if (lots > 0) throw new Error(`${f.symbol}: a fill reversed the position (${f.orderId}); the bot never does that`);
        continue;
      }
    }
    if (lots > 0) {
      state.qty += dir * lots;
      state.cost += dir * lots * mult * f.price;
      if (!trip.openingOrderIds.includes(f.orderId)) trip.openingOrderIds.push(f.orderId);
    }
  }
  return trips.map((t) => ({ ...t, net: t.gross - t.fees }));
}

type MutableTrip = { -readonly [K in keyof Omit<RoundTrip, 'net' | 'openingOrderIds' | 'closingOrderIds' | 'fills'>]: RoundTrip[K] } & {
  openingOrderIds: string[];
  closingOrderIds: string[];
  fills: SimFill[];
};

export interface VenuePosition {
  readonly symbol: string;
  readonly side: 'long' | 'short';
  readonly lots: number;
}

export function venuePositions(sim: SimulatorHandle): VenuePosition[] {
  return sim.engine.ledger.open().map((p) => ({ symbol: p.symbol, side: p.qty > 0 ? 'long' : 'short', lots: Math.abs(p.qty) }));
}

/** Open venue positions with no untriggered reduce-only stop on the closing side. */
export function unprotectedPositions(sim: SimulatorHandle): VenuePosition[] {
  const stops = sim.engine.listStopOrders({});
  return venuePositions(sim).filter((p) => {
    const closing = p.side === 'long' ? 'sell' : 'buy';
    return !stops.some((s) => s.symbol === p.symbol && s.side === closing && (s.reduceOnly || s.closeOrder) && s.status === 'open');
  });
}

/**
 * Samples the venue every `everyMs` while a test runs and remembers any position that stayed
 * without an exchange stop for longer than `graceMs` (a fresh entry is unprotected for the few
 * milliseconds between its fill and its stop order; a position must never stay so).
 */
export class ProtectionWatch {
  private readonly since = new Map<string, number>();
  readonly violations: string[] = [];
  samples = 0;
  /** Samples in which at least one position was open. */
  samplesWithPositions = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly sim: SimulatorHandle,
    private readonly graceMs: number,
    everyMs = 100,
  ) {
    this.timer = setInterval(() => this.sample(), everyMs);
  }

  /** Pauses judgement (e.g. while the executor is deliberately dead), resuming with a fresh grace. */
  paused = false;
  /** Symbols not judged (a position the test deliberately left unprotected for a while). */
  readonly excused = new Set<string>();

  sample(): void {
    if (this.paused) {
      this.since.clear();
      return;
    }
    this.samples++;
    const now = performance.now();
    const positions = venuePositions(this.sim);
    if (positions.length > 0) this.samplesWithPositions++;
    const bare = new Set(unprotectedPositions(this.sim).map((p) => p.symbol).filter((s) => !this.excused.has(s)));
    for (const symbol of [...this.since.keys()]) if (!bare.has(symbol)) this.since.delete(symbol);
    for (const symbol of bare) {
      const first = this.since.get(symbol) ?? now;
      this.since.set(symbol, first);
      if (now - first > this.graceMs && !this.violations.some((v) => v.startsWith(`${symbol} `))) {
        this.violations.push(`${symbol} open on the venue with no stop order for ${Math.round(now - first)} ms`);
      }
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

// ---- the journal ------------------------------------------------------------------------------

export interface JournalIntent {
  readonly clientOid: string;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly kind: string;
  readonly state: string;
  readonly orderId: string | null;
  readonly positionId: number | null;
}

export interface JournalPosition {
  readonly id: number;
  readonly symbol: string;
  readonly side: 'long' | 'short';
  readonly size: number;
  readonly status: 'open' | 'closing' | 'closed';
  readonly stopOrderId: string | null;
  readonly adopted: boolean;
}

export interface JournalTrade {
  readonly id: number;
  readonly positionId: number;
  readonly symbol: string;
  readonly side: 'long' | 'short';
  readonly size: number;
  readonly entryPrice: number;
  readonly exitPrice: number;
  readonly realisedPnl: number;
  readonly fees: number;
  readonly closeReason: string;
  readonly closedAt: number;
}

export interface Journal {
  readonly intents: JournalIntent[];
  readonly positions: JournalPosition[];
  readonly trades: JournalTrade[];
  readonly dailyEquity: { day: string; startEquity: number }[];
}

/** The whole journal, read-only (safe while the bot still has the file open: WAL). */
export function readJournal(dataDir: string): Journal {
  const db = openDatabase({ path: storePath(dataDir), readonly: true });
  try {
    const intents = db
      .prepare(`SELECT client_oid AS clientOid, symbol, side, kind, state, order_id AS orderId, position_id AS positionId FROM order_intents ORDER BY id`)
      .all() as JournalIntent[];
    const positions = (
      db
        .prepare(`SELECT id, symbol, side, size, status, stop_order_id AS stopOrderId, adopted FROM positions ORDER BY id`)
        .all() as (Omit<JournalPosition, 'adopted'> & { adopted: number })[]
    ).map((p) => ({ ...p, adopted: p.adopted === 1 }));
    const trades = db
      .prepare(
        `SELECT id, position_id AS positionId, symbol, side, size, entry_price AS entryPrice, exit_price AS exitPrice, realised_pnl AS realisedPnl, fees, close_reason AS closeReason, closed_at AS closedAt FROM trades ORDER BY id`,
      )
      .all() as JournalTrade[];
    const dailyEquity = db.prepare(`SELECT utc_day AS day, start_equity AS startEquity FROM daily_equity ORDER BY utc_day`).all() as {
      day: string;
      startEquity: number;
    }[];
    return { intents, positions, trades, dailyEquity };
  } finally {
    db.close();
  }
}

// ---- cross-checks -----------------------------------------------------------------------------

/**
 * The invariants that must hold whenever the bot is at rest (stopped, or after a reconciliation):
 * returns one message per violation, empty when all hold.
 *  - no duplicated order: every venue order carries a clientOid journaled exactly once, with the
 *    venue's order id; no round trip was opened by two orders (two entries for one position);
 *  - every venue position is protected by a stop and recorded as the journal's active position
 *    (same side and size), and every active journal position is held on the venue;
 *  - every completed round trip on the venue is exactly one journaled trade with the same net PnL
 *    (to the cent), and vice versa.
 */
export function auditVenueAgainstJournal(sim: SimulatorHandle, journal: Journal): string[] {
  const problems: string[] = [];
  const byOid = new Map<string, JournalIntent>();
  for (const i of journal.intents) byOid.set(i.clientOid, i);

  const seenOids = new Map<string, number>();
  for (const o of venueOrders(sim)) seenOids.set(o.clientOid, (seenOids.get(o.clientOid) ?? 0) + 1);
  for (const [oid, n] of seenOids) {
    if (n > 1) problems.push(`clientOid ${oid} has ${n} orders on the venue`);
  }
  for (const o of venueOrders(sim)) {
    const intent = byOid.get(o.clientOid);
    if (intent === undefined) {
      problems.push(`venue order ${o.id} (${o.symbol} ${o.side}, clientOid ${o.clientOid}) is not in the journal`);
      continue;
    }
    if (intent.orderId !== null && intent.orderId !== o.id) problems.push(`intent ${o.clientOid} names order ${intent.orderId}, the venue has ${o.id}`);
  }

  const trips = roundTrips(sim);
  for (const t of trips) {
    if (t.openingOrderIds.length !== 1) problems.push(`${t.symbol} ${t.side} position opened by ${t.openingOrderIds.length} orders: ${t.openingOrderIds.join(', ')}`);
  }

  const active = journal.positions.filter((p) => p.status !== 'closed');
  for (const p of venuePositions(sim)) {
    const local = active.find((a) => a.symbol === p.symbol);
    if (local === undefined) problems.push(`venue position ${p.symbol} ${p.side} ${p.lots} is not in the journal`);
    else if (local.side !== p.side || local.size !== p.lots) problems.push(`${p.symbol}: journal ${local.side} ${local.size}, venue ${p.side} ${p.lots}`);
  }
  for (const p of unprotectedPositions(sim)) problems.push(`venue position ${p.symbol} ${p.side} ${p.lots} has no stop order`);
  for (const a of active) {
    if (!venuePositions(sim).some((p) => p.symbol === a.symbol)) problems.push(`journal position ${a.symbol} #${a.id} (${a.status}) is not held on the venue`);
  }

  const complete = trips.filter((t) => t.complete);
  const symbols = new Set([...complete.map((t) => t.symbol), ...journal.trades.map((t) => t.symbol)]);
  for (const symbol of symbols) {
    const venue = complete.filter((t) => t.symbol === symbol);
    const local = journal.trades.filter((t) => t.symbol === symbol).sort((a, b) => a.closedAt - b.closedAt || a.id - b.id);
    if (venue.length !== local.length) {
      problems.push(`${symbol}: ${venue.length} round trips on the venue, ${local.length} trades in the journal`);
      continue;
    }
    venue.forEach((v, k) => {
      const l = local[k]!;
      if (Math.abs(v.net - l.realisedPnl) >= 0.005) problems.push(`${symbol} trade #${l.id}: journal pnl ${l.realisedPnl.toFixed(4)}, venue ${v.net.toFixed(4)}`);
      if (Math.abs(v.fees - l.fees) >= 0.005) problems.push(`${symbol} trade #${l.id}: journal fees ${l.fees.toFixed(4)}, venue ${v.fees.toFixed(4)}`);
    });
  }
  return problems;
}

export const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

/**
 * Holds every price where it is, so no exchange stop can fire any more: the journal can then catch
 * up with the venue (one reconciliation) and the two can be compared exactly.
 */
export function freezeMarket(sim: SimulatorHandle): void {
  for (const symbol of sim.symbols) sim.market.pin(symbol, sim.market.markPrice(symbol));
}
