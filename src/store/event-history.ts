// The supervisor's history: worker restarts (with the evidence that triggered them: last heartbeat,
// progress, event-loop utilisation, exit code...) and alerts. Kept across process restarts so the
// restart budget and the dashboard can see what happened before pm2 restarted the process.
import type { SqliteDatabase } from './database.js';
import type { Clock } from '../resilience/clock.js';
import { StoreInputError } from './errors/store-input-error.js';
import * as v from './validate.js';

export interface RestartInput {
  readonly worker: string;
  readonly reason: string;
  /** Any JSON-serialisable value. */
  readonly evidence?: unknown;
  /** Defaults to the clock. */
  readonly at?: number;
}

export interface RestartRecord {
  readonly id: number;
  readonly at: number;
  readonly worker: string;
  readonly reason: string;
  readonly evidence: unknown;
}

export interface AlertInput {
  /** e.g. 'stall', 'restart', 'restart-budget', 'breaker-open', 'kill-switch', 'unhealthy'. */
  readonly kind: string;
  /** What it is about: a worker, a symbol, an endpoint. */
  readonly subject: string;
  readonly message: string;
  readonly at?: number;
}

export interface AlertRecord {
  readonly id: number;
  readonly at: number;
  readonly kind: string;
  readonly subject: string;
  readonly message: string;
}

export interface HistoryQuery {
  /** Only records at or after this time (ms). */
  readonly since?: number;
  /** Newest first, at most this many (default 100). */
  readonly limit?: number;
}

interface RestartRow {
  id: number;
  at: number;
  worker: string;
  reason: string;
  evidence: string;
}

type AlertRow = AlertRecord;

function toRestart(r: RestartRow): RestartRecord {
  return { id: r.id, at: r.at, worker: r.worker, reason: r.reason, evidence: JSON.parse(r.evidence) as unknown };
}

function toJson(field: string, value: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value ?? null);
  } catch (e) {
    throw new StoreInputError(field, `must be JSON-serialisable (${e instanceof Error ? e.message : String(e)})`);
  }
  if (json === undefined) throw new StoreInputError(field, 'must be JSON-serialisable');
  return json;
}

export class EventHistory {
  private readonly insertRestartStmt;
  private readonly restartsStmt;
  private readonly restartsByWorkerStmt;
  private readonly countRestartsStmt;
  private readonly insertAlertStmt;
  private readonly alertsStmt;

  constructor(
    db: SqliteDatabase,
    private readonly clock: Clock,
  ) {
    this.insertRestartStmt = db.prepare<Omit<RestartRow, 'id'>, RestartRow>(
      'INSERT INTO restarts (at, worker, reason, evidence) VALUES (@at, @worker, @reason, @evidence) RETURNING *',
    );
    this.restartsStmt = db.prepare<[number, number], RestartRow>(
      'SELECT * FROM restarts WHERE at >= ? ORDER BY at DESC, id DESC LIMIT ?',
    );
    this.restartsByWorkerStmt = db.prepare<[string, number, number], RestartRow>(
      'SELECT * FROM restarts WHERE worker = ? AND at >= ? ORDER BY at DESC, id DESC LIMIT ?',
    );
    this.countRestartsStmt = db.prepare<[string, number], { n: number }>(
      'SELECT count(*) AS n FROM restarts WHERE worker = ? AND at >= ?',
    );
    this.insertAlertStmt = db.prepare<Omit<AlertRow, 'id'>, AlertRow>(
      'INSERT INTO alerts (at, kind, subject, message) VALUES (@at, @kind, @subject, @message) RETURNING *',
    );
    this.alertsStmt = db.prepare<[number, number], AlertRow>(
      'SELECT * FROM alerts WHERE at >= ? ORDER BY at DESC, id DESC LIMIT ?',
    );
  }

  recordRestart(input: RestartInput): RestartRecord {
    if (typeof input !== 'object' || input === null) throw new StoreInputError('restart', 'must be an object');
    const row = this.insertRestartStmt.get({
      at: input.at === undefined ? v.clockNow(this.clock) : v.timestamp('at', input.at),
      worker: v.text('worker', input.worker, 100),
      reason: v.text('reason', input.reason),
      evidence: toJson('evidence', input.evidence),
    });
    if (row === undefined) throw new Error('restart insert returned no row');
    return toRestart(row);
  }

  /** Restarts, newest first; of one worker when `worker` is given. */
  restarts(query: HistoryQuery & { readonly worker?: string } = {}): RestartRecord[] {
    const since = query.since === undefined ? 0 : v.timestamp('since', query.since);
    const limit = v.positiveInteger('limit', query.limit ?? 100);
    const rows =
      query.worker === undefined
        ? this.restartsStmt.all(since, limit)
        : this.restartsByWorkerStmt.all(v.text('worker', query.worker, 100), since, limit);
    return rows.map(toRestart);
  }

  /** How many times `worker` restarted at or after `since`: the restart budget across process restarts. */
  countRestarts(worker: string, since: number): number {
    return this.countRestartsStmt.get(v.text('worker', worker, 100), v.timestamp('since', since))?.n ?? 0;
  }

  recordAlert(input: AlertInput): AlertRecord {
    if (typeof input !== 'object' || input === null) throw new StoreInputError('alert', 'must be an object');
    const row = this.insertAlertStmt.get({
      at: input.at === undefined ? v.clockNow(this.clock) : v.timestamp('at', input.at),
      kind: v.text('kind', input.kind, 100),
      subject: v.text('subject', input.subject, 200),
      message: v.text('message', input.message, 10_000),
    });
    if (row === undefined) throw new Error('alert insert returned no row');
    return { ...row };
  }

  /** Alerts, newest first. */
  alerts(query: HistoryQuery = {}): AlertRecord[] {
    const since = query.since === undefined ? 0 : v.timestamp('since', query.since);
    return this.alertsStmt.all(since, v.positiveInteger('limit', query.limit ?? 100)).map((r) => ({ ...r }));
  }
}
