// The store façade: one connection, migrated on open, with one object per concept. Each thread
// opens its own Store on the same file (a better-sqlite3 connection cannot cross threads). By
// design only the order executor writes the trading tables (intents, positions, trades, fills,
// daily equity); the supervisor writes restart/alert history and reads the rest for reporting.
import { BotIdentity } from './bot-identity.js';
import type { Clock } from '../resilience/clock.js';
import { systemClock } from '../resilience/clock.js';
import { openDatabase, storePath, type SqliteDatabase } from './database.js';
import { DailyPnl } from './daily-pnl.js';
import { SchemaVersionError } from './errors/schema-version-error.js';
import { StoreInputError, isStoreInputError } from './errors/store-input-error.js';
import { StoreOpenError } from './errors/store-open-error.js';
import { EventHistory } from './event-history.js';
import { FillStore } from './fill-store.js';
import { migrate, SCHEMA_VERSION, schemaVersion } from './migrations.js';
import { OperatorCommands } from './operator-commands.js';
import { OrderJournal } from './order-journal.js';
import { PositionStore } from './position-store.js';
import { TradeStore } from './trade-store.js';

export interface StoreOptions {
  /** The SQLite file. Give this or `dataDir`. */
  readonly path?: string;
  /** `DATA_DIR`: the file is `<dataDir>/bot.sqlite`. */
  readonly dataDir?: string;
  readonly clock?: Clock;
  readonly busyTimeoutMs?: number;
  /** Reporting only: no migrations, no writes; the file must already be at this build's schema. */
  readonly readonly?: boolean;
}

export class Store {
  readonly intents: OrderJournal;
  readonly positions: PositionStore;
  readonly trades: TradeStore;
  readonly fills: FillStore;
  readonly dailyPnl: DailyPnl;
  readonly events: EventHistory;
  readonly identity: BotIdentity;
  /** Operator commands; the latest pause/resume is the entry switch. */
  readonly commands: OperatorCommands;
  private closed = false;

  private constructor(
    private readonly db: SqliteDatabase,
    readonly path: string,
    clock: Clock,
  ) {
    this.intents = new OrderJournal(db, clock);
    this.positions = new PositionStore(db, clock);
    this.trades = new TradeStore(db, clock);
    this.fills = new FillStore(db, clock);
    this.dailyPnl = new DailyPnl(db, clock);
    this.events = new EventHistory(db, clock);
    this.identity = new BotIdentity(db, clock);
    this.commands = new OperatorCommands(db, clock);
  }

  static open(options: StoreOptions): Store {
    const file = options.path ?? (options.dataDir === undefined ? undefined : storePath(options.dataDir));
    if (file === undefined) throw new StoreInputError('path', 'or dataDir is required');
    const readonly = options.readonly ?? false;
    let db: SqliteDatabase;
    try {
      db = openDatabase({
        path: file,
        readonly,
        ...(options.busyTimeoutMs !== undefined && { busyTimeoutMs: options.busyTimeoutMs }),
      });
    } catch (e) {
      throw openFailure(file, e);
    }
    try {
      if (readonly) {
        const found = schemaVersion(db);
        if (found !== SCHEMA_VERSION) {
          throw new SchemaVersionError(
            found,
            SCHEMA_VERSION,
            'a read-only connection cannot migrate; open it read-write first',
          );
        }
      } else {
        migrate(db);
      }
      return new Store(db, file, options.clock ?? systemClock);
    } catch (e) {
      db.close();
      throw openFailure(file, e);
    }
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  get schemaVersion(): number {
    return schemaVersion(this.db);
  }

  /** Sum of net realised PnL over every closed trade. */
  realisedPnlTotal(): number {
    return this.trades.realisedPnlTotal();
  }

  /**
   * Runs `fn` in one IMMEDIATE transaction (the write lock is taken up front, so it cannot fail
   * half-way with SQLITE_BUSY when upgrading from a read). Store calls inside become savepoints:
   * e.g. record an exit intent's fill and the position's close together.
   */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  /** Folds the WAL into the main file; for a graceful shutdown (never needed for durability). */
  checkpoint(): void {
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  /** Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }
}

/** Bad options stay what they are (a programming error); anything the file or disk did is a StoreOpenError. */
function openFailure(file: string, e: unknown): Error {
  return isStoreInputError(e) ? e : StoreOpenError.from(file, e);
}
