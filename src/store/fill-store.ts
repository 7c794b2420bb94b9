// Fills as the exchange reported them. Importing "fills since the last run" overlaps what is
// already stored (the executor should query from lastFillTime() inclusive), so the insert ignores
// a fill it has seen: the (tradeId, orderId) pair is unique.
import type { SqliteDatabase } from './database.js';
import type { Clock } from '../resilience/clock.js';
import { StoreInputError } from './errors/store-input-error.js';
import { ORDER_SIDES, type OrderSide } from './store-types.js';
import * as v from './validate.js';
import { roundMoney } from '../money/round-money.js';

export const LIQUIDITY = ['maker', 'taker'] as const;
export type Liquidity = (typeof LIQUIDITY)[number];

export interface FillInput {
  /** The exchange's trade id. */
  readonly tradeId: string;
  readonly orderId: string;
  readonly clientOid?: string | null;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly price: number;
  /** Lots. */
  readonly size: number;
  /** Fee paid (negative for a rebate). */
  readonly fee: number;
  readonly feeCurrency?: string | null;
  readonly liquidity?: Liquidity | null;
  /** Exchange time of the fill, ms. */
  readonly time: number;
}

export interface Fill {
  readonly id: number;
  readonly tradeId: string;
  readonly orderId: string;
  readonly clientOid: string | null;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly price: number;
  readonly size: number;
  readonly fee: number;
  readonly feeCurrency: string | null;
  readonly liquidity: Liquidity | null;
  readonly time: number;
  readonly recordedAt: number;
}

export interface RecordFillsResult {
  readonly inserted: number;
  readonly duplicates: number;
}

interface FillRow {
  id: number;
  trade_id: string;
  order_id: string;
  client_oid: string | null;
  symbol: string;
  side: OrderSide;
  price: number;
  size: number;
  fee: number;
  fee_currency: string | null;
  liquidity: Liquidity | null;
  time: number;
  recorded_at: number;
}

function toFill(r: FillRow): Fill {
  return {
    id: r.id,
    tradeId: r.trade_id,
    orderId: r.order_id,
    clientOid: r.client_oid,
    symbol: r.symbol,
    side: r.side,
    price: r.price,
    size: r.size,
    fee: r.fee,
    feeCurrency: r.fee_currency,
    liquidity: r.liquidity,
    time: r.time,
    recordedAt: r.recorded_at,
  };
}

function validateFill(f: FillInput, at: string): Omit<FillRow, 'id' | 'recorded_at'> {
  if (typeof f !== 'object' || f === null) throw new StoreInputError(at, 'must be an object');
  return {
    trade_id: v.text(`${at}.tradeId`, f.tradeId, 100),
    order_id: v.text(`${at}.orderId`, f.orderId, 100),
    client_oid: v.optionalClientOid(`${at}.clientOid`, f.clientOid),
    symbol: v.text(`${at}.symbol`, f.symbol, 64),
    side: v.oneOf(`${at}.side`, f.side, ORDER_SIDES),
    price: v.positive(`${at}.price`, f.price),
    size: v.positive(`${at}.size`, f.size),
    fee: roundMoney(v.finite(`${at}.fee`, f.fee)),
    fee_currency: v.optionalText(`${at}.feeCurrency`, f.feeCurrency, 20),
    liquidity: v.optionalOneOf(`${at}.liquidity`, f.liquidity, LIQUIDITY),
    time: v.timestamp(`${at}.time`, f.time),
  };
}

export class FillStore {
  private readonly insertStmt;
  private readonly lastTimeStmt;
  private readonly sinceStmt;
  private readonly forOrderStmt;
  private readonly forClientOidStmt;
  private readonly insertTx;

  constructor(
    db: SqliteDatabase,
    private readonly clock: Clock,
  ) {
    this.insertStmt = db.prepare<Omit<FillRow, 'id'>>(`
      INSERT INTO fills (trade_id, order_id, client_oid, symbol, side, price, size, fee, fee_currency, liquidity,
        time, recorded_at)
      VALUES (@trade_id, @order_id, @client_oid, @symbol, @side, @price, @size, @fee, @fee_currency, @liquidity,
        @time, @recorded_at)
      ON CONFLICT (trade_id, order_id) DO NOTHING`);
    this.lastTimeStmt = db.prepare<[], { t: number | null }>('SELECT max(time) AS t FROM fills');
    this.sinceStmt = db.prepare<[number, number], FillRow>(
      'SELECT * FROM fills WHERE time >= ? ORDER BY time, id LIMIT ?',
    );
    this.forOrderStmt = db.prepare<[string], FillRow>('SELECT * FROM fills WHERE order_id = ? ORDER BY time, id');
    this.forClientOidStmt = db.prepare<[string], FillRow>('SELECT * FROM fills WHERE client_oid = ? ORDER BY time, id');
    this.insertTx = db.transaction((rows: readonly Omit<FillRow, 'id'>[]): RecordFillsResult => {
      let inserted = 0;
      for (const row of rows) inserted += this.insertStmt.run(row).changes;
      return { inserted, duplicates: rows.length - inserted };
    });
  }

  /** Stores a batch atomically (all validated first); fills already stored are skipped and counted. */
  recordFills(fills: readonly FillInput[]): RecordFillsResult {
    if (!Array.isArray(fills)) throw new StoreInputError('fills', 'must be an array');
    const now = v.clockNow(this.clock);
    const rows = fills.map((f, i) => ({ ...validateFill(f, `fills[${i}]`), recorded_at: now }));
    return this.insertTx.immediate(rows);
  }

  /** True if the fill was new. */
  recordFill(fill: FillInput): boolean {
    return this.recordFills([fill]).inserted === 1;
  }

  /** Exchange time of the newest stored fill, or null before the first: where "since last run" starts. */
  lastFillTime(): number | null {
    return this.lastTimeStmt.get()?.t ?? null;
  }

  /** Fills with time >= `since`, oldest first. */
  since(since: number, limit = 1000): Fill[] {
    return this.sinceStmt.all(v.timestamp('since', since), v.positiveInteger('limit', limit)).map(toFill);
  }

  forOrder(orderId: string): Fill[] {
    return this.forOrderStmt.all(v.text('orderId', orderId, 100)).map(toFill);
  }

  forClientOid(clientOid: string): Fill[] {
    return this.forClientOidStmt.all(v.clientOid('clientOid', clientOid)).map(toFill);
  }
}
