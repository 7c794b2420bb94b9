// The schema, versioned through SQLite's `user_version`. Each migration runs once, in order, inside
// one IMMEDIATE transaction together with the version bump, so a crash mid-migration leaves the
// previous version intact, and two connections opening a fresh file at once cannot both apply it
// (the second waits for the write lock, then sees the new version and does nothing).
//
// Append new migrations; never edit one that has shipped. Table rebuilds need foreign_keys off,
// which SQLite ignores inside a transaction: such a migration must be split out when it comes.
import type { SqliteDatabase } from './database.js';
import { SchemaVersionError } from './errors/schema-version-error.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly up: string;
}

const INITIAL_SCHEMA = `
CREATE TABLE positions (
  id                INTEGER PRIMARY KEY,
  symbol            TEXT    NOT NULL,
  side              TEXT    NOT NULL CHECK (side IN ('long', 'short')),
  size              REAL    NOT NULL CHECK (size > 0),
  entry_price       REAL    NOT NULL CHECK (entry_price > 0),
  stop_price        REAL,
  take_profit_price REAL,
  high_water_mark   REAL,
  low_water_mark    REAL,
  leverage          REAL,
  stop_order_id     TEXT,
  stop_client_oid   TEXT,
  status            TEXT    NOT NULL CHECK (status IN ('open', 'closing', 'closed')),
  adopted           INTEGER NOT NULL CHECK (adopted IN (0, 1)),
  opened_at         INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL,
  closed_at         INTEGER
) STRICT;
-- A closing position is still held on the exchange, so it blocks a second one too.
CREATE UNIQUE INDEX positions_one_active_per_symbol ON positions (symbol) WHERE status IN ('open', 'closing');

CREATE TABLE order_intents (
  id                INTEGER PRIMARY KEY,
  client_oid        TEXT    NOT NULL UNIQUE,
  symbol            TEXT    NOT NULL,
  side              TEXT    NOT NULL CHECK (side IN ('buy', 'sell')),
  kind              TEXT    NOT NULL CHECK (kind IN ('entry', 'exit', 'stop', 'stop-update', 'cancel')),
  size              REAL    NOT NULL CHECK (size >= 0),
  price             REAL,
  reduce_only       INTEGER NOT NULL CHECK (reduce_only IN (0, 1)),
  leverage          REAL,
  stop              TEXT    CHECK (stop IN ('up', 'down')),
  stop_price        REAL,
  stop_price_type   TEXT    CHECK (stop_price_type IN ('TP', 'MP', 'IP')),
  target_client_oid TEXT,
  target_order_id   TEXT,
  position_id       INTEGER REFERENCES positions (id),
  state             TEXT    NOT NULL CHECK (state IN ('pending', 'sent', 'acknowledged', 'partially-filled',
                                                      'filled', 'cancelled', 'rejected', 'unknown')),
  order_id          TEXT,
  filled_size       REAL    NOT NULL DEFAULT 0,
  avg_fill_price    REAL,
  reason            TEXT,
  attempts          INTEGER NOT NULL DEFAULT 0,
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL,
  CHECK ((stop IS NULL) = (stop_price IS NULL))
) STRICT;
CREATE INDEX order_intents_unresolved ON order_intents (created_at)
  WHERE state IN ('pending', 'sent', 'unknown', 'acknowledged', 'partially-filled');
CREATE INDEX order_intents_by_position ON order_intents (position_id);
CREATE INDEX order_intents_by_order_id ON order_intents (order_id);

CREATE TABLE trades (
  id           INTEGER PRIMARY KEY,
  -- UNIQUE: exactly one close per position, whatever path reports it.
  position_id  INTEGER NOT NULL UNIQUE REFERENCES positions (id),
  symbol       TEXT    NOT NULL,
  side         TEXT    NOT NULL CHECK (side IN ('long', 'short')),
  size         REAL    NOT NULL CHECK (size > 0),
  entry_price  REAL    NOT NULL,
  exit_price   REAL    NOT NULL,
  realised_pnl REAL    NOT NULL,
  fees         REAL    NOT NULL,
  funding      REAL    NOT NULL,
  close_reason TEXT    NOT NULL,
  opened_at    INTEGER NOT NULL,
  closed_at    INTEGER NOT NULL,
  utc_day      TEXT    NOT NULL
) STRICT;
CREATE INDEX trades_by_day ON trades (utc_day);

CREATE TABLE fills (
  id           INTEGER PRIMARY KEY,
  trade_id     TEXT    NOT NULL,
  order_id     TEXT    NOT NULL,
  client_oid   TEXT,
  symbol       TEXT    NOT NULL,
  side         TEXT    NOT NULL CHECK (side IN ('buy', 'sell')),
  price        REAL    NOT NULL CHECK (price > 0),
  size         REAL    NOT NULL CHECK (size > 0),
  fee          REAL    NOT NULL,
  fee_currency TEXT,
  liquidity    TEXT    CHECK (liquidity IN ('maker', 'taker')),
  time         INTEGER NOT NULL,
  recorded_at  INTEGER NOT NULL,
  -- A self-trade yields two fills with one tradeId (maker and taker orders), hence the pair.
  UNIQUE (trade_id, order_id)
) STRICT;
CREATE INDEX fills_by_time ON fills (time);
CREATE INDEX fills_by_client_oid ON fills (client_oid);

CREATE TABLE daily_equity (
  utc_day      TEXT    PRIMARY KEY,
  start_equity REAL    NOT NULL,
  recorded_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE restarts (
  id       INTEGER PRIMARY KEY,
  at       INTEGER NOT NULL,
  worker   TEXT    NOT NULL,
  reason   TEXT    NOT NULL,
  evidence TEXT    NOT NULL CHECK (json_valid(evidence))
) STRICT;
CREATE INDEX restarts_by_worker_time ON restarts (worker, at);

CREATE TABLE alerts (
  id      INTEGER PRIMARY KEY,
  at      INTEGER NOT NULL,
  kind    TEXT    NOT NULL,
  subject TEXT    NOT NULL,
  message TEXT    NOT NULL
) STRICT;
CREATE INDEX alerts_by_time ON alerts (at);
`;

// The exactly-once rules, enforced by the file itself so no interleaving of flows (or a second
// connection) can break them; each failure is a typed error in the store (see the index names).
//  - One trade per position: trades.position_id is UNIQUE since version 1.
//  - One journal position per venue round trip: a position adopted from the venue's list of
//    positions names the newest trade id when that list was asked for (trade ids only grow: trades
//    are never deleted), and is refused when a close of the symbol was booked after it. That list
//    may still show the position whose close was booked while it was in flight: adopting it made a
//    second position, and a second trade, out of one round trip (issue 16).
//  - One entry order in flight per symbol, one exit order in flight per position: a second intent
//    while the first one's outcome is unknown would be a second order that might also go through.
const EXACTLY_ONCE = `
ALTER TABLE positions ADD COLUMN viewed_after_trade_id INTEGER;
CREATE TRIGGER positions_adopt_only_from_a_fresh_view BEFORE INSERT ON positions
WHEN NEW.adopted = 1 AND (NEW.viewed_after_trade_id IS NULL
  OR EXISTS (SELECT 1 FROM trades WHERE symbol = NEW.symbol AND id > NEW.viewed_after_trade_id))
BEGIN
  SELECT RAISE(ABORT, 'stale venue view: a close of this symbol was booked after the view was requested');
END;
CREATE UNIQUE INDEX order_intents_one_entry_in_flight_per_symbol ON order_intents (symbol)
  WHERE kind = 'entry' AND state IN ('pending', 'sent', 'unknown', 'acknowledged', 'partially-filled');
CREATE UNIQUE INDEX order_intents_one_exit_in_flight_per_position ON order_intents (position_id)
  WHERE kind = 'exit' AND state IN ('pending', 'sent', 'unknown', 'acknowledged', 'partially-filled');
`;

// One row per key; 'bot_id' names this bot instance on the exchange (the prefix of its clientOids).
const BOT_IDENTITY = `
CREATE TABLE bot_identity (
  key        TEXT    PRIMARY KEY,
  value      TEXT    NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
`;

// Operator commands (npm run ctl, the status server's POST /control/...), with their source and
// outcome. The latest successful pause or resume is the bot's entry switch, so a pause outlives
// a restart of the executor thread or of the whole process.
const OPERATOR_COMMANDS = `
CREATE TABLE operator_commands (
  id      INTEGER PRIMARY KEY,
  at      INTEGER NOT NULL,
  source  TEXT    NOT NULL,
  command TEXT    NOT NULL,
  target  TEXT,
  ok      INTEGER NOT NULL CHECK (ok IN (0, 1)),
  detail  TEXT    NOT NULL
) STRICT;
CREATE INDEX operator_commands_by_command ON operator_commands (command, ok, at);
`;

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial schema', up: INITIAL_SCHEMA },
  {
    version: 2,
    name: 'exactly-once rules: adoption from a fresh view, one entry and one exit in flight',
    up: EXACTLY_ONCE,
  },
  { version: 3, name: 'bot identity', up: BOT_IDENTITY },
  { version: 4, name: 'operator commands', up: OPERATOR_COMMANDS },
];

export const SCHEMA_VERSION = latestVersion(MIGRATIONS);

export interface MigrationResult {
  readonly from: number;
  readonly to: number;
  readonly applied: readonly string[];
}

export function schemaVersion(db: SqliteDatabase): number {
  return Number(db.pragma('user_version', { simple: true }));
}

/** Brings `db` up to the newest version in `migrations`; a no-op when it is already there. */
export function migrate(db: SqliteDatabase, migrations: readonly Migration[] = MIGRATIONS): MigrationResult {
  const target = latestVersion(migrations);
  const run = db.transaction((): MigrationResult => {
    const from = schemaVersion(db);
    if (from > target) {
      throw new SchemaVersionError(from, target, 'the file was written by a newer build; refusing to use it');
    }
    const applied: string[] = [];
    for (const m of migrations) {
      if (m.version <= from) continue;
      db.exec(m.up);
      db.pragma(`user_version = ${m.version}`);
      applied.push(`${m.version}: ${m.name}`);
    }
    return { from, to: schemaVersion(db), applied };
  });
  return run.immediate();
}

function latestVersion(migrations: readonly Migration[]): number {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(`migration #${i} has version ${m.version}; versions must run 1, 2, 3, ...`);
  });
  return migrations.length;
}
