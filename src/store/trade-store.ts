// Closed trades: exactly one per position. recordClose writes the trade and closes the position in
// one IMMEDIATE transaction; a second close of the same position (the monitor and an exchange
// stop racing, a reconcile after restart re-reporting it, another connection) returns the trade
// already recorded and changes nothing, so realised PnL never moves once recorded.
//
// `realisedPnl` is NET of fees and funding (KuCoin's `realisedPnl` convention); `fees` (a cost,
// negative for a rebate) and `funding` (positive when received) are kept beside it for reporting.
// Daily figures are derived from this table (see daily-pnl.ts), so there is one source of truth.
import type { SqliteDatabase } from './database.js';
import type { Clock } from '../resilience/clock.js';
import { toPosition, type Position, type PositionRow } from './position-store.js';
import { StoreInputError } from './errors/store-input-error.js';
import { StoreNotFoundError } from './errors/store-not-found-error.js';
import type { PositionSide } from './store-types.js';
import { utcDay } from './utc-day.js';
import * as v from './validate.js';
import { roundMoney } from '../money/round-money.js';

export const CLOSE_REASONS = [
  'stop',
  'take-profit',
  'trailing',
  'manual',
  'liquidation',
  'exchange-stop',
  'kill-switch',
  'shutdown',
  // The position was gone from the exchange when reconciliation looked (closed while the bot was down).
  'reconcile',
] as const;
export type CloseReason = (typeof CLOSE_REASONS)[number];

export interface CloseInput {
  readonly positionId: number;
  readonly exitPrice: number;
  /** Net of fees and funding. */
  readonly realisedPnl: number;
  readonly fees: number;
  readonly funding?: number;
  readonly reason: CloseReason;
  /** Lots closed; defaults to the position's size. */
  readonly size?: number;
  /** Defaults to the clock. Decides the UTC day the PnL counts towards. */
  readonly closedAt?: number;
}

export interface ClosedTrade {
  readonly id: number;
  readonly positionId: number;
  readonly symbol: string;
  readonly side: PositionSide;
  readonly size: number;
  readonly entryPrice: number;
  readonly exitPrice: number;
  readonly realisedPnl: number;
  readonly fees: number;
  readonly funding: number;
  readonly closeReason: CloseReason;
  readonly openedAt: number;
  readonly closedAt: number;
  /** YYYY-MM-DD (UTC) of closedAt. */
  readonly utcDay: string;
}

export interface RecordCloseResult {
  readonly trade: ClosedTrade;
  /** False when the position had already been closed: `trade` is the one recorded then. */
  readonly created: boolean;
  readonly position: Position;
}

export interface TradeStats {
  readonly trades: number;
  readonly wins: number;
  readonly losses: number;
  readonly realisedPnl: number;
  readonly fees: number;
  readonly funding: number;
}

interface TradeRow {
  id: number;
  position_id: number;
  symbol: string;
  side: PositionSide;
  size: number;
  entry_price: number;
  exit_price: number;
  realised_pnl: number;
  fees: number;
  funding: number;
  close_reason: CloseReason;
  opened_at: number;
  closed_at: number;
  utc_day: string;
}

function toTrade(r: TradeRow): ClosedTrade {
  return {
    id: r.id,
    positionId: r.position_id,
    symbol: r.symbol,
    side: r.side,
    size: r.size,
    entryPrice: r.entry_price,
    exitPrice: r.exit_price,
    realisedPnl: r.realised_pnl,
    fees: r.fees,
    funding: r.funding,
    closeReason: r.close_reason,
    openedAt: r.opened_at,
    closedAt: r.closed_at,
    utcDay: r.utc_day,
  };
}

// total() rather than sum(): 0.0 for no rows, and always REAL. SQLite (3.43+) sums with
// Kahan-Babuska-Neumaier compensation, so totals do not drift with the number of trades.
export const TRADE_AGGREGATES = `count(*) AS trades,
  count(*) FILTER (WHERE realised_pnl > 0) AS wins,
  count(*) FILTER (WHERE realised_pnl < 0) AS losses,
  total(realised_pnl) AS realised_pnl, total(fees) AS fees, total(funding) AS funding`;

export interface AggregateRow {
  trades: number;
  wins: number;
  losses: number;
  realised_pnl: number;
  fees: number;
  funding: number;
}

export class TradeStore {
  private readonly insertStmt;
  private readonly byIdStmt;
  private readonly byPositionStmt;
  private readonly positionStmt;
  private readonly closePositionStmt;
  private readonly lastIdStmt;
  private readonly recentStmt;
  private readonly totalStmt;
  private readonly statsStmt;
  private readonly closeTx;

  constructor(
    db: SqliteDatabase,
    private readonly clock: Clock,
  ) {
    this.insertStmt = db.prepare<Omit<TradeRow, 'id'>, TradeRow>(`
      INSERT INTO trades (position_id, symbol, side, size, entry_price, exit_price, realised_pnl, fees, funding,
        close_reason, opened_at, closed_at, utc_day)
      VALUES (@position_id, @symbol, @side, @size, @entry_price, @exit_price, @realised_pnl, @fees, @funding,
        @close_reason, @opened_at, @closed_at, @utc_day)
      RETURNING *`);
    this.byIdStmt = db.prepare<[number], TradeRow>('SELECT * FROM trades WHERE id = ?');
    this.byPositionStmt = db.prepare<[number], TradeRow>('SELECT * FROM trades WHERE position_id = ?');
    this.positionStmt = db.prepare<[number], PositionRow>('SELECT * FROM positions WHERE id = ?');
    this.closePositionStmt = db.prepare<{ id: number; closed_at: number; updated_at: number }, PositionRow>(`
      UPDATE positions SET status = 'closed', closed_at = @closed_at, updated_at = @updated_at
      WHERE id = @id AND status IN ('open', 'closing')
      RETURNING *`);
    this.lastIdStmt = db.prepare<[], { id: number }>('SELECT coalesce(max(id), 0) AS id FROM trades');
    this.recentStmt = db.prepare<[number], TradeRow>('SELECT * FROM trades ORDER BY closed_at DESC, id DESC LIMIT ?');
    this.totalStmt = db.prepare<[], { total: number }>('SELECT total(realised_pnl) AS total FROM trades');
    this.statsStmt = db.prepare<[], AggregateRow>(`SELECT ${TRADE_AGGREGATES} FROM trades`);

    this.closeTx = db.transaction(
      (input: Required<Omit<CloseInput, 'size'>> & { size: number | null }): RecordCloseResult => {
        const existing = this.byPositionStmt.get(input.positionId);
        const position = this.positionStmt.get(input.positionId);
        if (position === undefined) throw new StoreNotFoundError('position', input.positionId);
        if (existing !== undefined) return { trade: toTrade(existing), created: false, position: toPosition(position) };
        if (position.status === 'closed') {
          throw new Error(`position ${position.id} is closed but has no trade; refusing to invent one`);
        }
        if (input.size !== null && input.size > position.size) {
          throw new StoreInputError('size', `${input.size} exceeds the position's size ${position.size}`);
        }
        const trade = this.insertStmt.get({
          position_id: position.id,
          symbol: position.symbol,
          side: position.side,
          size: input.size ?? position.size,
          entry_price: position.entry_price,
          exit_price: input.exitPrice,
          realised_pnl: input.realisedPnl,
          fees: input.fees,
          funding: input.funding,
          close_reason: input.reason,
          opened_at: position.opened_at,
          closed_at: input.closedAt,
          utc_day: utcDay(input.closedAt),
        });
        const closed = this.closePositionStmt.get({
          id: position.id,
          closed_at: input.closedAt,
          updated_at: v.clockNow(this.clock),
        });
        if (trade === undefined || closed === undefined)
          throw new Error(`closing position ${position.id} wrote nothing`);
        return { trade: toTrade(trade), created: true, position: toPosition(closed) };
      },
    );
  }

  /**
   * Records the close of a position: the trade, and the position marked closed, atomically.
   * Idempotent per position: the first close wins; later ones return it with `created: false`.
   */
  recordClose(input: CloseInput): RecordCloseResult {
    if (typeof input !== 'object' || input === null) throw new StoreInputError('close', 'must be an object');
    return this.closeTx.immediate({
      positionId: v.positiveInteger('positionId', input.positionId),
      exitPrice: v.positive('exitPrice', input.exitPrice),
      // Booked at the settlement currency's precision: the journal is read by people and reports.
      realisedPnl: roundMoney(v.finite('realisedPnl', input.realisedPnl)),
      fees: roundMoney(v.finite('fees', input.fees)),
      funding: input.funding === undefined ? 0 : roundMoney(v.finite('funding', input.funding)),
      reason: v.oneOf('reason', input.reason, CLOSE_REASONS),
      size: input.size === undefined ? null : v.positive('size', input.size),
      closedAt: input.closedAt === undefined ? v.clockNow(this.clock) : v.timestamp('closedAt', input.closedAt),
    });
  }

  get(id: number): ClosedTrade | undefined {
    const row = this.byIdStmt.get(v.positiveInteger('id', id));
    return row === undefined ? undefined : toTrade(row);
  }

  forPosition(positionId: number): ClosedTrade | undefined {
    const row = this.byPositionStmt.get(v.positiveInteger('positionId', positionId));
    return row === undefined ? undefined : toTrade(row);
  }

  /**
   * The newest trade's id (0 before the first). Ids only grow (trades are never deleted), so a
   * trade with a higher id was booked later: see PositionStore.open's `viewedAfterTradeId`.
   */
  lastId(): number {
    return this.lastIdStmt.get()?.id ?? 0;
  }

  /** Most recently closed first. */
  recent(limit = 50): ClosedTrade[] {
    return this.recentStmt.all(v.positiveInteger('limit', limit)).map(toTrade);
  }

  /** Sum of every trade's net realised PnL. */
  realisedPnlTotal(): number {
    return roundMoney(this.totalStmt.get()?.total ?? 0);
  }

  /** Counts and sums over all trades (wins: PnL > 0, losses: PnL < 0). */
  stats(): TradeStats {
    const r = this.statsStmt.get();
    if (r === undefined) return { trades: 0, wins: 0, losses: 0, realisedPnl: 0, fees: 0, funding: 0 };
    return {
      trades: r.trades,
      wins: r.wins,
      losses: r.losses,
      realisedPnl: roundMoney(r.realised_pnl),
      fees: roundMoney(r.fees),
      funding: roundMoney(r.funding),
    };
  }
}
