// The operator's command log: every pause, resume, close, breaker reset and status request, where it
// came from (the local control socket or the status server) and what came of it. It is also the
// entry switch: the executor asks `paused()` before every entry, so a pause outlives restarts.
import type { Clock } from '../resilience/clock.js';
import type { SqliteDatabase } from './database.js';
import { StoreInputError } from './errors/store-input-error.js';
import * as v from './validate.js';

export interface OperatorCommandInput {
  /** Where it came from: 'socket' (npm run ctl), 'http' (POST /control/...), 'restart' (carried over). */
  readonly source: string;
  /** 'pause', 'resume', 'close', 'close-all', 'breaker-reset', 'status'. */
  readonly command: string;
  /** A symbol for `close`; null otherwise. */
  readonly target?: string | null;
  readonly ok: boolean;
  readonly detail: string;
  readonly at?: number;
}

export interface OperatorCommandRecord {
  readonly id: number;
  readonly at: number;
  readonly source: string;
  readonly command: string;
  readonly target: string | null;
  readonly ok: boolean;
  readonly detail: string;
}

interface Row {
  id: number;
  at: number;
  source: string;
  command: string;
  target: string | null;
  ok: number;
  detail: string;
}

const toRecord = (r: Row): OperatorCommandRecord => ({ ...r, ok: r.ok === 1 });

export class OperatorCommands {
  private readonly insertStmt;
  private readonly recentStmt;
  private readonly switchStmt;

  constructor(
    db: SqliteDatabase,
    private readonly clock: Clock,
  ) {
    this.insertStmt = db.prepare<Omit<Row, 'id'>, Row>(
      'INSERT INTO operator_commands (at, source, command, target, ok, detail) VALUES (@at, @source, @command, @target, @ok, @detail) RETURNING *',
    );
    this.recentStmt = db.prepare<[number], Row>('SELECT * FROM operator_commands ORDER BY at DESC, id DESC LIMIT ?');
    this.switchStmt = db.prepare<[], Row>(
      "SELECT * FROM operator_commands WHERE command IN ('pause', 'resume') AND ok = 1 ORDER BY at DESC, id DESC LIMIT 1",
    );
  }

  record(input: OperatorCommandInput): OperatorCommandRecord {
    if (typeof input !== 'object' || input === null) throw new StoreInputError('command', 'must be an object');
    if (typeof input.ok !== 'boolean') throw new StoreInputError('ok', 'must be a boolean');
    const row = this.insertStmt.get({
      at: input.at === undefined ? v.clockNow(this.clock) : v.timestamp('at', input.at),
      source: v.text('source', input.source, 40),
      command: v.text('command', input.command, 40),
      target: v.optionalText('target', input.target ?? null, 100),
      ok: input.ok ? 1 : 0,
      detail: v.text('detail', input.detail, 2000),
    });
    if (row === undefined) throw new Error('operator command insert returned no row');
    return toRecord(row);
  }

  /** Newest first. */
  recent(limit = 50): OperatorCommandRecord[] {
    return this.recentStmt.all(v.positiveInteger('limit', limit)).map(toRecord);
  }

  /** The entry switch: true while the latest successful pause/resume is a pause. */
  paused(): boolean {
    return this.switchStmt.get()?.command === 'pause';
  }

  /** The pause in force (for "paused since ..."), or null when entries are open. */
  pausedSince(): OperatorCommandRecord | null {
    const row = this.switchStmt.get();
    return row?.command === 'pause' ? toRecord(row) : null;
  }
}
