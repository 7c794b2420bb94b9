// Positions the bot holds (or held). At most one open-or-closing position per symbol, enforced by
// a partial unique index so even a second connection cannot break it. Closing is two steps:
// `markClosing` elects the single caller allowed to send the exit (one close per position), and
// TradeStore.recordClose moves the position to 'closed' together with its trade.
import type { SqliteDatabase } from './database.js';
import type { Clock } from '../resilience/clock.js';
import { ActivePositionExistsError } from './errors/active-position-exists-error.js';
import { StoreInputError } from './errors/store-input-error.js';
import { StaleVenueViewError } from './errors/stale-venue-view-error.js';
import { StoreNotFoundError } from './errors/store-not-found-error.js';
import { POSITION_SIDES, type PositionSide } from './store-types.js';
import * as v from './validate.js';

export const POSITION_STATUSES = ['open', 'closing', 'closed'] as const;
export type PositionStatus = (typeof POSITION_STATUSES)[number];

export interface OpenPositionInput {
  readonly symbol: string;
  readonly side: PositionSide;
  /** Lots (contracts). */
  readonly size: number;
  readonly entryPrice: number;
  readonly stopPrice?: number | null;
  readonly takeProfitPrice?: number | null;
  readonly leverage?: number | null;
  readonly stopOrderId?: string | null;
  readonly stopClientOid?: string | null;
  /** Found on the exchange without a local record (reconciliation); adopted and protected. */
  readonly adopted?: boolean;
  /**
   * Required when `adopted`: TradeStore.lastId() read BEFORE the venue view the adoption is based
   * on was requested. The store refuses the adoption (StaleVenueViewError) when a close of the
   * symbol was booked after it: the view may show the very position that close ended.
   */
  readonly viewedAfterTradeId?: number;
  /** Defaults to the clock. */
  readonly openedAt?: number;
}

/** Fields of an active position that may change; `undefined` keeps a value, `null` clears it. */
export interface PositionPatch {
  readonly size?: number;
  readonly entryPrice?: number;
  readonly stopPrice?: number | null;
  readonly takeProfitPrice?: number | null;
  readonly leverage?: number | null;
  readonly stopOrderId?: string | null;
  readonly stopClientOid?: string | null;
}

export interface Position {
  readonly id: number;
  readonly symbol: string;
  readonly side: PositionSide;
  readonly size: number;
  readonly entryPrice: number;
  readonly stopPrice: number | null;
  readonly takeProfitPrice: number | null;
  /** Highest price seen while open (trailing stop for longs). */
  readonly highWaterMark: number | null;
  /** Lowest price seen while open (trailing stop for shorts). */
  readonly lowWaterMark: number | null;
  readonly leverage: number | null;
  readonly stopOrderId: string | null;
  readonly stopClientOid: string | null;
  readonly status: PositionStatus;
  readonly adopted: boolean;
  readonly openedAt: number;
  readonly updatedAt: number;
  readonly closedAt: number | null;
}

export interface PositionRow {
  id: number;
  symbol: string;
  side: PositionSide;
  size: number;
  entry_price: number;
  stop_price: number | null;
  take_profit_price: number | null;
  high_water_mark: number | null;
  low_water_mark: number | null;
  leverage: number | null;
  stop_order_id: string | null;
  stop_client_oid: string | null;
  status: PositionStatus;
  adopted: 0 | 1;
  viewed_after_trade_id: number | null;
  opened_at: number;
  updated_at: number;
  closed_at: number | null;
}

type MutableFields = Pick<
  PositionRow,
  'size' | 'entry_price' | 'stop_price' | 'take_profit_price' | 'leverage' | 'stop_order_id' | 'stop_client_oid'
>;

export function toPosition(r: PositionRow): Position {
  return {
    id: r.id,
    symbol: r.symbol,
    side: r.side,
    size: r.size,
    entryPrice: r.entry_price,
    stopPrice: r.stop_price,
    takeProfitPrice: r.take_profit_price,
    highWaterMark: r.high_water_mark,
    lowWaterMark: r.low_water_mark,
    leverage: r.leverage,
    stopOrderId: r.stop_order_id,
    stopClientOid: r.stop_client_oid,
    status: r.status,
    adopted: r.adopted === 1,
    openedAt: r.opened_at,
    updatedAt: r.updated_at,
    closedAt: r.closed_at,
  };
}

function isUniqueViolation(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** The adoption trigger of migration 2 refused the insert. */
function isStaleViewRefusal(e: unknown): boolean {
  return (
    typeof e === 'object' &&
    e !== null &&
    (e as { code?: unknown }).code === 'SQLITE_CONSTRAINT_TRIGGER' &&
    String((e as { message?: unknown }).message).startsWith('stale venue view')
  );
}

export class PositionStore {
  private readonly insertStmt;
  private readonly byIdStmt;
  private readonly activeBySymbolStmt;
  private readonly activeStmt;
  private readonly adoptedWithoutEntryStmt;
  private readonly updateStmt;
  private readonly extremesStmt;
  private readonly statusStmt;
  private readonly handOverStmt;
  private readonly patchTx;

  constructor(
    db: SqliteDatabase,
    private readonly clock: Clock,
  ) {
    this.insertStmt = db.prepare<
      Omit<PositionRow, 'id' | 'high_water_mark' | 'low_water_mark' | 'closed_at'>,
      PositionRow
    >(`
      INSERT INTO positions (symbol, side, size, entry_price, stop_price, take_profit_price, high_water_mark,
        low_water_mark, leverage, stop_order_id, stop_client_oid, status, adopted, viewed_after_trade_id, opened_at, updated_at)
      VALUES (@symbol, @side, @size, @entry_price, @stop_price, @take_profit_price, @entry_price,
        @entry_price, @leverage, @stop_order_id, @stop_client_oid, @status, @adopted, @viewed_after_trade_id, @opened_at, @updated_at)
      RETURNING *`);
    this.byIdStmt = db.prepare<[number], PositionRow>('SELECT * FROM positions WHERE id = ?');
    this.activeBySymbolStmt = db.prepare<[string], PositionRow>(
      "SELECT * FROM positions WHERE symbol = ? AND status IN ('open', 'closing')",
    );
    this.activeStmt = db.prepare<[], PositionRow>(
      "SELECT * FROM positions WHERE status IN ('open', 'closing') ORDER BY id",
    );
    this.adoptedWithoutEntryStmt = db.prepare<{ symbol: string; since: number }, PositionRow>(`
      SELECT * FROM positions p
      WHERE p.symbol = @symbol AND p.adopted = 1 AND p.opened_at >= @since
        AND NOT EXISTS (SELECT 1 FROM order_intents i WHERE i.position_id = p.id AND i.kind = 'entry')
      ORDER BY p.id DESC LIMIT 1`);
    this.updateStmt = db.prepare<MutableFields & { id: number; updated_at: number }, PositionRow>(`
      UPDATE positions SET size = @size, entry_price = @entry_price, stop_price = @stop_price,
        take_profit_price = @take_profit_price, leverage = @leverage, stop_order_id = @stop_order_id,
        stop_client_oid = @stop_client_oid, updated_at = @updated_at
      WHERE id = @id AND status IN ('open', 'closing')
      RETURNING *`);
    // The marks only ever widen, whatever order prices arrive in.
    this.extremesStmt = db.prepare<{ id: number; price: number; updated_at: number }, PositionRow>(`
      UPDATE positions SET high_water_mark = max(coalesce(high_water_mark, @price), @price),
        low_water_mark = min(coalesce(low_water_mark, @price), @price), updated_at = @updated_at
      WHERE id = @id AND status IN ('open', 'closing')
      RETURNING *`);
    this.statusStmt = db.prepare<{ id: number; from: PositionStatus; to: PositionStatus; updated_at: number }>(
      'UPDATE positions SET status = @to, updated_at = @updated_at WHERE id = @id AND status = @from',
    );
    this.handOverStmt = db.prepare<{ id: number; now: number }>(
      "UPDATE positions SET status = 'closed', closed_at = @now, updated_at = @now WHERE id = @id AND status IN ('open', 'closing')",
    );
    this.patchTx = db.transaction((id: number, patch: PositionPatch): Position => {
      const row = this.activeRow(id);
      const keep = <T>(next: T | undefined, current: T): T => (next === undefined ? current : next);
      const updated = this.updateStmt.get({
        id,
        size: keep(patch.size, row.size),
        entry_price: keep(patch.entryPrice, row.entry_price),
        stop_price: keep(patch.stopPrice, row.stop_price),
        take_profit_price: keep(patch.takeProfitPrice, row.take_profit_price),
        leverage: keep(patch.leverage, row.leverage),
        stop_order_id: keep(patch.stopOrderId, row.stop_order_id),
        stop_client_oid: keep(patch.stopClientOid, row.stop_client_oid),
        updated_at: v.clockNow(this.clock),
      });
      if (updated === undefined) throw new StoreNotFoundError('active position', id);
      return toPosition(updated);
    });
  }

  /**
   * Records a new open position; throws ActivePositionExistsError if the symbol already has one, and
   * StaleVenueViewError for an adoption whose venue view predates a close of the symbol.
   */
  open(input: OpenPositionInput): Position {
    if (typeof input !== 'object' || input === null) throw new StoreInputError('position', 'must be an object');
    const now = v.clockNow(this.clock);
    const params = {
      symbol: v.text('symbol', input.symbol, 64),
      side: v.oneOf('side', input.side, POSITION_SIDES),
      size: v.positive('size', input.size),
      entry_price: v.positive('entryPrice', input.entryPrice),
      stop_price: v.optionalPositive('stopPrice', input.stopPrice),
      take_profit_price: v.optionalPositive('takeProfitPrice', input.takeProfitPrice),
      leverage: v.optionalPositive('leverage', input.leverage),
      stop_order_id: v.optionalText('stopOrderId', input.stopOrderId, 100),
      stop_client_oid: v.optionalClientOid('stopClientOid', input.stopClientOid),
      status: 'open' as const,
      adopted: v.flag('adopted', input.adopted),
      viewed_after_trade_id:
        input.viewedAfterTradeId === undefined
          ? null
          : v.nonNegativeInteger('viewedAfterTradeId', input.viewedAfterTradeId),
      opened_at: input.openedAt === undefined ? now : v.timestamp('openedAt', input.openedAt),
      updated_at: now,
    };
    try {
      const row = this.insertStmt.get(params);
      if (row === undefined) throw new Error('position insert returned no row');
      return toPosition(row);
    } catch (e) {
      if (isUniqueViolation(e)) throw new ActivePositionExistsError(params.symbol);
      if (isStaleViewRefusal(e)) throw new StaleVenueViewError(params.symbol, params.viewed_after_trade_id);
      throw e;
    }
  }

  get(id: number): Position | undefined {
    const row = this.byIdStmt.get(v.positiveInteger('id', id));
    return row === undefined ? undefined : toPosition(row);
  }

  /** The open or closing position on `symbol`, if any. */
  activeForSymbol(symbol: string): Position | undefined {
    const row = this.activeBySymbolStmt.get(v.text('symbol', symbol, 64));
    return row === undefined ? undefined : toPosition(row);
  }

  /**
   * The newest position on `symbol` adopted at or after `since` that no entry intent claims (open or
   * closed). A symbol has at most one entry in flight, so for an entry journaled at `since` whose
   * fill is learned late, such a position is that entry's own round trip.
   */
  adoptedWithoutEntry(symbol: string, since: number): Position | undefined {
    const row = this.adoptedWithoutEntryStmt.get({
      symbol: v.text('symbol', symbol, 64),
      since: v.timestamp('since', since),
    });
    return row === undefined ? undefined : toPosition(row);
  }

  /** All open and closing positions, oldest first. */
  active(): Position[] {
    return this.activeStmt.all().map(toPosition);
  }

  /** Changes an active position's size, prices or protective stop order. */
  update(id: number, patch: PositionPatch): Position {
    v.positiveInteger('id', id);
    if (typeof patch !== 'object' || patch === null) throw new StoreInputError('patch', 'must be an object');
    const checked: PositionPatch = {
      ...(patch.size !== undefined && { size: v.positive('size', patch.size) }),
      ...(patch.entryPrice !== undefined && { entryPrice: v.positive('entryPrice', patch.entryPrice) }),
      ...(patch.stopPrice !== undefined && { stopPrice: v.optionalPositive('stopPrice', patch.stopPrice) }),
      ...(patch.takeProfitPrice !== undefined && {
        takeProfitPrice: v.optionalPositive('takeProfitPrice', patch.takeProfitPrice),
      }),
      ...(patch.leverage !== undefined && { leverage: v.optionalPositive('leverage', patch.leverage) }),
      ...(patch.stopOrderId !== undefined && { stopOrderId: v.optionalText('stopOrderId', patch.stopOrderId, 100) }),
      ...(patch.stopClientOid !== undefined && {
        stopClientOid: v.optionalClientOid('stopClientOid', patch.stopClientOid),
      }),
    };
    return this.patchTx.immediate(id, checked);
  }

  /** Widens the trailing high/low water marks to include `price` (never narrows them). */
  recordPrice(id: number, price: number): Position {
    const row = this.extremesStmt.get({
      id: v.positiveInteger('id', id),
      price: v.positive('price', price),
      updated_at: v.clockNow(this.clock),
    });
    if (row === undefined) throw new StoreNotFoundError('active position', id);
    return toPosition(row);
  }

  /**
   * open -> closing. Returns true only for the caller that made the change: that caller, and no
   * other, sends the exit order.
   */
  markClosing(id: number): boolean {
    return this.setStatus(id, 'open', 'closing');
  }

  /** closing -> open, when the exit order failed and the position is still held. */
  cancelClosing(id: number): boolean {
    return this.setStatus(id, 'closing', 'open');
  }

  /**
   * Active -> closed WITHOUT a trade: another process on the account took the position over (its
   * lease, REDIS_URL) and books the round trip in its own journal; booking it here too would count
   * it twice. True when this call retired it.
   */
  handOver(id: number): boolean {
    const now = v.clockNow(this.clock);
    return this.handOverStmt.run({ id: v.positiveInteger('id', id), now }).changes === 1;
  }

  private setStatus(id: number, from: PositionStatus, to: PositionStatus): boolean {
    const result = this.statusStmt.run({
      id: v.positiveInteger('id', id),
      from,
      to,
      updated_at: v.clockNow(this.clock),
    });
    return result.changes === 1;
  }

  private activeRow(id: number): PositionRow {
    const row = this.byIdStmt.get(id);
    if (row === undefined || row.status === 'closed') throw new StoreNotFoundError('active position', id);
    return row;
  }
}
