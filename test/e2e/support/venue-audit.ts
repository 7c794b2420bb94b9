// What the exchange (the in-process simulator the bot trades on) and the bot's SQLite journal say,
// side by side: round trips rebuilt from the venue's fills, open positions and their stop orders,
// every order the venue ever received, and the journal's intents, positions and trades. The adapter
// for a venue in this process; the audit rules are test/support/venue-rules.ts.
import type { SimulatorHandle } from '../../../src/simulator/simulator.js';
import type { SimOrder } from '../../../src/simulator/trading-engine.js';
import { openDatabase, storePath } from '../../../src/store/index.js';
import {
  checkNoDuplicateOrders,
  checkPositions,
  checkSingleEntry,
  checkStops,
  checkTradePnl,
  replayFills,
  uncoveredPositions,
  type RoundTrip,
  type StoreState,
  type VenueOrder,
  type VenueState,
} from '../../support/venue-rules.js';

export type { RoundTrip } from '../../support/venue-rules.js';

/** Every order the venue holds: regular (incl. triggered stops) and untriggered stops. */
export function venueOrders(sim: SimulatorHandle): SimOrder[] {
  return [...sim.engine.listOrders({}), ...sim.engine.listStopOrders({})];
}

/** The bot's entry orders on the venue (not reduce-only, not a close, not a stop). */
export function entryOrders(sim: SimulatorHandle): SimOrder[] {
  return venueOrders(sim).filter((o) => !o.reduceOnly && !o.closeOrder && o.stop === null);
}

function toVenueOrder(o: SimOrder): VenueOrder {
  const { id, clientOid, symbol, side, size, filledSize, reduceOnly, closeOrder, stopTriggered, status } = o;
  return {
    id,
    clientOid,
    symbol,
    side,
    size,
    filledSize,
    reduceOnly,
    closeOrder,
    stop: o.stop ?? '',
    stopTriggered,
    status,
  };
}

/** The venue in the audit rules' plain shape, read from the engine directly (no HTTP, no faults). */
export function venueState(sim: SimulatorHandle): VenueState {
  const stops = sim.engine.listStopOrders({});
  return {
    orders: venueOrders(sim).map(toVenueOrder),
    untriggeredStops: stops.map(toVenueOrder),
    fills: sim.engine.listFills({}).map((f) => ({ ...f, createdAt: f.tradeTime })),
    positions: sim.engine.ledger.open().map((p) => ({ symbol: p.symbol, currentQty: p.qty })),
    contracts: new Map(
      sim.engine.ledger.all().map((p) => [p.symbol, { symbol: p.symbol, multiplier: p.spec.multiplier }]),
    ),
  };
}

function multiplierOf(venue: VenueState): (symbol: string) => number {
  return (symbol) => {
    const contract = venue.contracts.get(symbol);
    if (contract === undefined) throw new Error(`no contract multiplier for ${symbol}`);
    return contract.multiplier;
  };
}

/** The venue's round trips, replayed from its fills (the bot never reverses a position in one fill). */
export function roundTrips(sim: SimulatorHandle): RoundTrip[] {
  const venue = venueState(sim);
  const { trips } = replayFills(venue.fills, multiplierOf(venue));
  const reversed = trips.find((t) => t.reversedBy !== null);
  if (reversed)
    throw new Error(
      `${reversed.symbol}: a fill reversed the position (${reversed.reversedBy}); the bot never does that`,
    );
  return trips;
}

export interface VenuePosition {
  readonly symbol: string;
  readonly side: 'long' | 'short';
  readonly lots: number;
}

export function venuePositions(sim: SimulatorHandle): VenuePosition[] {
  return sim.engine.ledger
    .open()
    .map((p) => ({ symbol: p.symbol, side: p.qty > 0 ? 'long' : 'short', lots: Math.abs(p.qty) }));
}

/** Open venue positions with no untriggered reduce-only stop on the closing side covering them. */
export function unprotectedPositions(sim: SimulatorHandle): VenuePosition[] {
  // Positions and stops only: the protection watch samples this every 100 ms.
  const positions = sim.engine.ledger.open().map((p) => ({ symbol: p.symbol, currentQty: p.qty }));
  const bare = new Set(
    uncoveredPositions({ positions, untriggeredStops: sim.engine.listStopOrders({}).map(toVenueOrder) }).map(
      (p) => p.symbol,
    ),
  );
  return venuePositions(sim).filter((p) => bare.has(p.symbol));
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
    const bare = new Set(
      unprotectedPositions(this.sim)
        .map((p) => p.symbol)
        .filter((s) => !this.excused.has(s)),
    );
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
      .prepare(
        `SELECT client_oid AS clientOid, symbol, side, kind, state, order_id AS orderId, position_id AS positionId FROM order_intents ORDER BY id`,
      )
      .all() as JournalIntent[];
    const positions = (
      db
        .prepare(
          `SELECT id, symbol, side, size, status, stop_order_id AS stopOrderId, adopted FROM positions ORDER BY id`,
        )
        .all() as (Omit<JournalPosition, 'adopted'> & { adopted: number })[]
    ).map((p) => ({ ...p, adopted: p.adopted === 1 }));
    const trades = db
      .prepare(
        `SELECT id, position_id AS positionId, symbol, side, size, entry_price AS entryPrice, exit_price AS exitPrice, realised_pnl AS realisedPnl, fees, close_reason AS closeReason, closed_at AS closedAt FROM trades ORDER BY id`,
      )
      .all() as JournalTrade[];
    const dailyEquity = db
      .prepare(`SELECT utc_day AS day, start_equity AS startEquity FROM daily_equity ORDER BY utc_day`)
      .all() as {
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
  const venue = venueState(sim);
  const store: StoreState = {
    intents: journal.intents,
    fills: [],
    trades: journal.trades,
    activePositions: journal.positions.filter((p) => p.status !== 'closed'),
  };
  const trips = roundTrips(sim);
  const complete = trips.filter((t) => t.complete);
  const episodes = complete.map((t) => ({ symbol: t.symbol, netPnl: t.net, closedAt: t.closedAt! }));
  const problems = [
    ...checkNoDuplicateOrders(store, venue),
    ...checkSingleEntry(trips),
    ...checkPositions(store, new Map(venue.positions.map((p) => [p.symbol, p.currentQty])), new Set(), venue.positions),
    ...checkStops(venue),
    ...checkTradePnl(store, episodes, { settledBefore: Infinity }),
  ];
  // The journal's fees per trade, which the chaos run (its store has fills instead) does not check.
  for (const symbol of new Set(journal.trades.map((t) => t.symbol))) {
    const venueTrips = complete.filter((t) => t.symbol === symbol);
    const local = journal.trades
      .filter((t) => t.symbol === symbol)
      .sort((a, b) => a.closedAt - b.closedAt || a.id - b.id);
    if (venueTrips.length !== local.length) continue; // checkTradePnl reported the count
    venueTrips.forEach((v, k) => {
      const l = local[k]!;
      if (Math.abs(v.fees - l.fees) >= 0.005)
        problems.push(`${symbol} trade #${l.id}: journal fees ${l.fees.toFixed(4)}, venue ${v.fees.toFixed(4)}`);
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
