// Realised PnL per UTC day, derived from the trades table (each trade is stamped with the UTC day of
// its close inside the same transaction that records it), so the daily figures can never disagree
// with the trades. The start-of-day equity snapshot is the baseline of the daily loss kill switch:
// the FIRST snapshot of a day wins, so a restart at 15:00 cannot reset the day's loss to zero.
import type { SqliteDatabase } from './database.js';
import type { Clock } from '../resilience/clock.js';
import { TRADE_AGGREGATES, type AggregateRow } from './trade-store.js';
import { utcDay } from './utc-day.js';
import * as v from './validate.js';
import { roundMoney } from '../money/round-money.js';

export interface DailyPnlSummary {
  /** YYYY-MM-DD, UTC. */
  readonly day: string;
  readonly realisedPnl: number;
  readonly fees: number;
  readonly funding: number;
  readonly trades: number;
  readonly wins: number;
  readonly losses: number;
  /** Equity recorded at the start of the day, if any. */
  readonly startEquity: number | null;
}

export interface EquitySnapshot {
  readonly day: string;
  readonly startEquity: number;
  readonly recordedAt: number;
  /** False when the day already had a snapshot, which is returned unchanged. */
  readonly created: boolean;
}

interface EquityRow {
  utc_day: string;
  start_equity: number;
  recorded_at: number;
}

export class DailyPnl {
  private readonly dayStmt;
  private readonly rangeStmt;
  private readonly insertEquityStmt;
  private readonly equityStmt;
  private readonly snapshotTx;

  constructor(
    db: SqliteDatabase,
    private readonly clock: Clock,
  ) {
    this.dayStmt = db.prepare<[string], AggregateRow>(`SELECT ${TRADE_AGGREGATES} FROM trades WHERE utc_day = ?`);
    // Days with trades or an equity snapshot in [from, to].
    this.rangeStmt = db.prepare<
      { from: string; to: string },
      AggregateRow & { day: string; start_equity: number | null }
    >(`
      WITH days AS (
        SELECT utc_day FROM trades WHERE utc_day BETWEEN @from AND @to
        UNION SELECT utc_day FROM daily_equity WHERE utc_day BETWEEN @from AND @to)
      SELECT d.utc_day AS day, e.start_equity AS start_equity,
        (SELECT count(*) FROM trades t WHERE t.utc_day = d.utc_day) AS trades,
        (SELECT count(*) FROM trades t WHERE t.utc_day = d.utc_day AND t.realised_pnl > 0) AS wins,
        (SELECT count(*) FROM trades t WHERE t.utc_day = d.utc_day AND t.realised_pnl < 0) AS losses,
        (SELECT total(realised_pnl) FROM trades t WHERE t.utc_day = d.utc_day) AS realised_pnl,
        (SELECT total(fees) FROM trades t WHERE t.utc_day = d.utc_day) AS fees,
        (SELECT total(funding) FROM trades t WHERE t.utc_day = d.utc_day) AS funding
      FROM days d LEFT JOIN daily_equity e ON e.utc_day = d.utc_day
      ORDER BY d.utc_day`);
    this.insertEquityStmt = db.prepare<EquityRow>(
      'INSERT INTO daily_equity (utc_day, start_equity, recorded_at) VALUES (@utc_day, @start_equity, @recorded_at) ON CONFLICT (utc_day) DO NOTHING',
    );
    this.equityStmt = db.prepare<[string], EquityRow>('SELECT * FROM daily_equity WHERE utc_day = ?');
    this.snapshotTx = db.transaction((row: EquityRow): EquitySnapshot => {
      const created = this.insertEquityStmt.run(row).changes === 1;
      const stored = this.equityStmt.get(row.utc_day);
      if (stored === undefined) throw new Error(`equity snapshot for ${row.utc_day} vanished`);
      return { day: stored.utc_day, startEquity: stored.start_equity, recordedAt: stored.recorded_at, created };
    });
  }

  /** The UTC day the clock is in now. */
  today(): string {
    return utcDay(v.clockNow(this.clock));
  }

  /** Trades closed on `day` (UTC), summed, with that day's start equity. */
  forDay(day: string): DailyPnlSummary {
    const d = v.utcDayString('day', day);
    const r = this.dayStmt.get(d);
    const equity = this.equityStmt.get(d);
    return {
      day: d,
      // Sums of rounded amounts still carry float noise: round the sum too.
      realisedPnl: roundMoney(r?.realised_pnl ?? 0),
      fees: roundMoney(r?.fees ?? 0),
      funding: roundMoney(r?.funding ?? 0),
      trades: r?.trades ?? 0,
      wins: r?.wins ?? 0,
      losses: r?.losses ?? 0,
      startEquity: equity?.start_equity ?? null,
    };
  }

  /** forDay(today()). */
  current(): DailyPnlSummary {
    return this.forDay(this.today());
  }

  /** Every day in [from, to] (inclusive, UTC) that has trades or an equity snapshot, oldest first. */
  range(from: string, to: string): DailyPnlSummary[] {
    const rows = this.rangeStmt.all({ from: v.utcDayString('from', from), to: v.utcDayString('to', to) });
    return rows.map((r) => ({
      day: r.day,
      realisedPnl: roundMoney(r.realised_pnl),
      fees: roundMoney(r.fees),
      funding: roundMoney(r.funding),
      trades: r.trades,
      wins: r.wins,
      losses: r.losses,
      startEquity: r.start_equity,
    }));
  }

  /**
   * Records today's start-of-day equity unless today already has one (then that one is returned
   * with `created: false`). Call on start and on the first tick after UTC midnight.
   */
  recordStartOfDayEquity(equity: number): EquitySnapshot {
    const now = v.clockNow(this.clock);
    return this.snapshotTx.immediate({
      utc_day: utcDay(now),
      start_equity: roundMoney(v.nonNegative('equity', equity)),
      recorded_at: now,
    });
  }

  /** The start-of-day equity of `day` (default: today), or null if none was recorded. */
  startOfDayEquity(day?: string): number | null {
    const d = day === undefined ? this.today() : v.utcDayString('day', day);
    return this.equityStmt.get(d)?.start_equity ?? null;
  }
}
