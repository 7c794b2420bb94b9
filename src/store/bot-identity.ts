// Who this bot is on the exchange: the BOT_ID that prefixes every clientOid it sends, created once
// and kept in the journal so a restart (or a new build) keeps recognising the orders it placed.
import type { Clock } from '../resilience/clock.js';
import type { SqliteDatabase } from './database.js';
import { defined } from '../invariant/invariant-error.js';

const BOT_ID_KEY = 'bot_id';

export class BotIdentity {
  private readonly getStmt;
  private readonly insertStmt;

  constructor(
    db: SqliteDatabase,
    private readonly clock: Clock,
  ) {
    this.getStmt = db.prepare<[string], { value: string }>('SELECT value FROM bot_identity WHERE key = ?');
    this.insertStmt = db.prepare<[string, string, number]>(
      'INSERT OR IGNORE INTO bot_identity (key, value, created_at) VALUES (?, ?, ?)',
    );
  }

  /** The stored bot id, if one was ever created. */
  storedBotId(): string | undefined {
    return this.getStmt.get(BOT_ID_KEY)?.value;
  }

  /**
   * The stored bot id; on first use `create()` makes one and it is stored. INSERT OR IGNORE then
   * read: two connections racing on a fresh file still agree on one id.
   */
  botId(create: () => string): string {
    const stored = this.storedBotId();
    if (stored !== undefined) return stored;
    this.insertStmt.run(BOT_ID_KEY, create(), this.clock.now());
    return defined(this.storedBotId(), 'bot id just written to the store');
  }
}
