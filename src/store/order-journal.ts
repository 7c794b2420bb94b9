// The order journal: every order the executor is about to send is recorded here, keyed by its
// clientOid, BEFORE the request leaves the process. A retry reuses the clientOid (the exchange
// treats a repeated clientOid as the same order), and on start the executor resolves every
// intent whose outcome is not yet final by asking the exchange about that clientOid.
//
// State machine (anything else throws IllegalTransitionError):
//   pending  -> sent | rejected | cancelled          (marked sent synchronously before the HTTP
//                                                     call, so a pending intent was never sent)
//   sent     -> sent (a retry; attempts + 1) | acknowledged | partially-filled | filled
//               | cancelled | rejected | unknown
//   unknown  -> the same targets as sent             (resolved by clientOid on reconcile)
//   acknowledged     -> partially-filled | filled | cancelled
//   partially-filled -> partially-filled | filled | cancelled
//   filled, cancelled, rejected: final.
// Repeating the outcome already recorded (acknowledged with the same orderId, or a final state)
// is a no-op returning the row: the WebSocket and a REST reconcile may both report one fill.
import type { SqliteDatabase } from './database.js';
import type { Clock } from '../resilience/clock.js';
import { ClientOidConflictError } from './errors/client-oid-conflict-error.js';
import { IllegalTransitionError } from './errors/illegal-transition-error.js';
import { IntentInFlightError } from './errors/intent-in-flight-error.js';
import { StoreInputError } from './errors/store-input-error.js';
import { StoreNotFoundError } from './errors/store-not-found-error.js';
import { ORDER_SIDES, type OrderSide } from './store-types.js';
import * as v from './validate.js';

export const INTENT_KINDS = ['entry', 'exit', 'stop', 'stop-update', 'cancel'] as const;
export type IntentKind = (typeof INTENT_KINDS)[number];

export const INTENT_STATES = [
  'pending',
  'sent',
  'acknowledged',
  'partially-filled',
  'filled',
  'cancelled',
  'rejected',
  'unknown',
] as const;
export type IntentState = (typeof INTENT_STATES)[number];

/** States whose outcome the exchange still has to confirm: what reconciliation walks. */
export const UNRESOLVED_STATES: readonly IntentState[] = [
  'pending',
  'sent',
  'unknown',
  'acknowledged',
  'partially-filled',
];
export const FINAL_STATES: readonly IntentState[] = ['filled', 'cancelled', 'rejected'];

export const STOP_DIRECTIONS = ['up', 'down'] as const;
export type StopDirection = (typeof STOP_DIRECTIONS)[number];
export const STOP_PRICE_TYPES = ['TP', 'MP', 'IP'] as const;
export type StopPriceType = (typeof STOP_PRICE_TYPES)[number];

const SENT_OUTCOMES: readonly IntentState[] = [
  'sent',
  'acknowledged',
  'partially-filled',
  'filled',
  'cancelled',
  'rejected',
  'unknown',
];

const TRANSITIONS: Readonly<Record<IntentState, readonly IntentState[]>> = {
  pending: ['sent', 'rejected', 'cancelled'],
  sent: SENT_OUTCOMES,
  unknown: SENT_OUTCOMES,
  acknowledged: ['partially-filled', 'filled', 'cancelled'],
  'partially-filled': ['partially-filled', 'filled', 'cancelled'],
  filled: [],
  cancelled: [],
  rejected: [],
};

// Same-state repeats that are duplicates of an outcome rather than new information.
const REPEATABLE_OUTCOMES: readonly IntentState[] = ['acknowledged', ...FINAL_STATES];

function isUniqueViolation(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'SQLITE_CONSTRAINT_UNIQUE';
}

export function canTransition(from: IntentState, to: IntentState): boolean {
  return TRANSITIONS[from].includes(to) || (from === to && REPEATABLE_OUTCOMES.includes(to));
}

export interface IntentInput {
  readonly clientOid: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly kind: IntentKind;
  /** Lots (contracts). 0 only for a cancel. */
  readonly size: number;
  /** Limit price; omitted or null for a market order. */
  readonly price?: number | null;
  readonly reduceOnly?: boolean;
  readonly leverage?: number | null;
  /** KuCoin stop direction; required with stopPrice for 'stop' and 'stop-update'. */
  readonly stop?: StopDirection | null;
  readonly stopPrice?: number | null;
  readonly stopPriceType?: StopPriceType | null;
  /** The order a 'cancel' or 'stop-update' replaces. */
  readonly targetClientOid?: string | null;
  readonly targetOrderId?: string | null;
  readonly positionId?: number | null;
}

export interface OrderIntent {
  readonly id: number;
  readonly clientOid: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly kind: IntentKind;
  readonly size: number;
  readonly price: number | null;
  readonly reduceOnly: boolean;
  readonly leverage: number | null;
  readonly stop: StopDirection | null;
  readonly stopPrice: number | null;
  readonly stopPriceType: StopPriceType | null;
  readonly targetClientOid: string | null;
  readonly targetOrderId: string | null;
  readonly positionId: number | null;
  readonly state: IntentState;
  readonly orderId: string | null;
  readonly filledSize: number;
  readonly avgFillPrice: number | null;
  readonly reason: string | null;
  readonly attempts: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface RecordIntentResult {
  readonly intent: OrderIntent;
  /** False when the clientOid was already journaled and `intent` is the stored row. */
  readonly created: boolean;
}

export interface TransitionDetails {
  /** The exchange's order id; required to reach 'acknowledged' unless already known. */
  readonly orderId?: string;
  /** Cumulative filled lots; never decreases. Defaults to the full size on 'filled'. */
  readonly filledSize?: number;
  readonly avgFillPrice?: number;
  /** Why: required for 'rejected'; kept for 'cancelled' and 'unknown'. */
  readonly reason?: string;
}

interface IntentRow {
  id: number;
  client_oid: string;
  symbol: string;
  side: OrderSide;
  kind: IntentKind;
  size: number;
  price: number | null;
  reduce_only: 0 | 1;
  leverage: number | null;
  stop: StopDirection | null;
  stop_price: number | null;
  stop_price_type: StopPriceType | null;
  target_client_oid: string | null;
  target_order_id: string | null;
  position_id: number | null;
  state: IntentState;
  order_id: string | null;
  filled_size: number;
  avg_fill_price: number | null;
  reason: string | null;
  attempts: number;
  created_at: number;
  updated_at: number;
}

type IntentParams = Omit<IntentRow, 'id' | 'order_id' | 'filled_size' | 'avg_fill_price' | 'reason' | 'attempts'>;

// Fields that define what the exchange is asked to do; a clientOid re-recorded with any of these
// different is a conflict, not a retry.
const ORDER_DEFINING: readonly (keyof IntentParams)[] = [
  'symbol',
  'side',
  'kind',
  'size',
  'price',
  'reduce_only',
  'leverage',
  'stop',
  'stop_price',
  'stop_price_type',
  'target_client_oid',
  'target_order_id',
];

function toIntent(r: IntentRow): OrderIntent {
  return {
    id: r.id,
    clientOid: r.client_oid,
    symbol: r.symbol,
    side: r.side,
    kind: r.kind,
    size: r.size,
    price: r.price,
    reduceOnly: r.reduce_only === 1,
    leverage: r.leverage,
    stop: r.stop,
    stopPrice: r.stop_price,
    stopPriceType: r.stop_price_type,
    targetClientOid: r.target_client_oid,
    targetOrderId: r.target_order_id,
    positionId: r.position_id,
    state: r.state,
    orderId: r.order_id,
    filledSize: r.filled_size,
    avgFillPrice: r.avg_fill_price,
    reason: r.reason,
    attempts: r.attempts,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function validateIntent(input: IntentInput): Omit<IntentParams, 'state' | 'created_at' | 'updated_at'> {
  if (typeof input !== 'object' || input === null) throw new StoreInputError('intent', 'must be an object');
  const kind = v.oneOf('kind', input.kind, INTENT_KINDS);
  const size = kind === 'cancel' ? v.nonNegative('size', input.size) : v.positive('size', input.size);
  const stop = v.optionalOneOf('stop', input.stop, STOP_DIRECTIONS);
  const stopPrice = v.optionalPositive('stopPrice', input.stopPrice);
  if ((stop === null) !== (stopPrice === null)) {
    throw new StoreInputError(stop === null ? 'stop' : 'stopPrice', 'must be given together with stop/stopPrice');
  }
  if ((kind === 'stop' || kind === 'stop-update') && stop === null) {
    throw new StoreInputError('stop', `is required for a '${kind}' intent`);
  }
  const targetClientOid = v.optionalClientOid('targetClientOid', input.targetClientOid);
  const targetOrderId = v.optionalText('targetOrderId', input.targetOrderId, 100);
  if (kind === 'cancel' && targetClientOid === null && targetOrderId === null) {
    throw new StoreInputError('targetClientOid', "or targetOrderId is required for a 'cancel' intent");
  }
  const positionId =
    input.positionId === undefined || input.positionId === null
      ? null
      : v.positiveInteger('positionId', input.positionId);
  return {
    client_oid: v.clientOid('clientOid', input.clientOid),
    symbol: v.text('symbol', input.symbol, 64),
    side: v.oneOf('side', input.side, ORDER_SIDES),
    kind,
    size,
    price: v.optionalPositive('price', input.price),
    reduce_only: v.flag('reduceOnly', input.reduceOnly),
    leverage: v.optionalPositive('leverage', input.leverage),
    stop,
    stop_price: stopPrice,
    stop_price_type: v.optionalOneOf('stopPriceType', input.stopPriceType, STOP_PRICE_TYPES),
    target_client_oid: targetClientOid,
    target_order_id: targetOrderId,
    position_id: positionId,
  };
}

export class OrderJournal {
  private readonly insertStmt;
  private readonly byClientOidStmt;
  private readonly byOrderIdStmt;
  private readonly unresolvedStmt;
  private readonly forPositionStmt;
  private readonly updateStateStmt;
  private readonly attachPositionStmt;
  private readonly recordTx;
  private readonly transitionTx;

  constructor(
    db: SqliteDatabase,
    private readonly clock: Clock,
  ) {
    this.insertStmt = db.prepare<IntentParams, IntentRow>(`
      INSERT INTO order_intents (client_oid, symbol, side, kind, size, price, reduce_only, leverage, stop,
        stop_price, stop_price_type, target_client_oid, target_order_id, position_id, state, created_at, updated_at)
      VALUES (@client_oid, @symbol, @side, @kind, @size, @price, @reduce_only, @leverage, @stop,
        @stop_price, @stop_price_type, @target_client_oid, @target_order_id, @position_id, @state, @created_at, @updated_at)
      ON CONFLICT (client_oid) DO NOTHING
      RETURNING *`);
    this.byClientOidStmt = db.prepare<[string], IntentRow>('SELECT * FROM order_intents WHERE client_oid = ?');
    this.byOrderIdStmt = db.prepare<[string], IntentRow>('SELECT * FROM order_intents WHERE order_id = ? ORDER BY id');
    this.unresolvedStmt = db.prepare<[], IntentRow>(`
      SELECT * FROM order_intents
      WHERE state IN ('pending', 'sent', 'unknown', 'acknowledged', 'partially-filled')
      ORDER BY created_at, id`);
    this.forPositionStmt = db.prepare<[number], IntentRow>(
      'SELECT * FROM order_intents WHERE position_id = ? ORDER BY id',
    );
    this.updateStateStmt = db.prepare<
      Pick<
        IntentRow,
        'id' | 'state' | 'order_id' | 'filled_size' | 'avg_fill_price' | 'reason' | 'attempts' | 'updated_at'
      >,
      IntentRow
    >(`
      UPDATE order_intents SET state = @state, order_id = @order_id, filled_size = @filled_size,
        avg_fill_price = @avg_fill_price, reason = @reason, attempts = @attempts, updated_at = @updated_at
      WHERE id = @id
      RETURNING *`);
    this.attachPositionStmt = db.prepare<{ client_oid: string; position_id: number; updated_at: number }, IntentRow>(`
      UPDATE order_intents SET position_id = @position_id, updated_at = @updated_at
      WHERE client_oid = @client_oid RETURNING *`);

    this.recordTx = db.transaction((params: IntentParams): RecordIntentResult => {
      const inserted = this.insertStmt.get(params);
      if (inserted !== undefined) return { intent: toIntent(inserted), created: true };
      const existing = this.byClientOidStmt.get(params.client_oid);
      if (existing === undefined)
        throw new Error(`clientOid ${params.client_oid} conflicted but is not in the journal`);
      const differing = ORDER_DEFINING.filter((k) => existing[k] !== params[k]);
      if (differing.length > 0) throw new ClientOidConflictError(params.client_oid, differing);
      return { intent: toIntent(existing), created: false };
    });

    this.transitionTx = db.transaction(
      (clientOid: string, to: IntentState, details: TransitionDetails): OrderIntent => {
        const row = this.byClientOidStmt.get(clientOid);
        if (row === undefined) throw new StoreNotFoundError('order intent', clientOid);
        if (!canTransition(row.state, to)) throw new IllegalTransitionError(clientOid, row.state, to);

        const orderId = details.orderId ?? row.order_id;
        if (details.orderId !== undefined && row.order_id !== null && details.orderId !== row.order_id) {
          throw new StoreInputError(
            'orderId',
            `${details.orderId} differs from ${row.order_id} already recorded for ${clientOid}`,
          );
        }
        if (row.state === to && REPEATABLE_OUTCOMES.includes(to)) return toIntent(row);
        if (to === 'acknowledged' && orderId === null)
          throw new StoreInputError('orderId', "is required to reach 'acknowledged'");
        if (to === 'rejected' && details.reason === undefined)
          throw new StoreInputError('reason', "is required to reach 'rejected'");

        const filledSize = details.filledSize ?? (to === 'filled' ? row.size : row.filled_size);
        if (filledSize < row.filled_size) {
          throw new StoreInputError('filledSize', `must not decrease (recorded ${row.filled_size}, got ${filledSize})`);
        }
        if (filledSize > row.size)
          throw new StoreInputError('filledSize', `${filledSize} exceeds the order size ${row.size}`);
        if (to === 'partially-filled' && !(filledSize > 0)) {
          throw new StoreInputError('filledSize', "must be greater than 0 to reach 'partially-filled'");
        }
        const updated = this.updateStateStmt.get({
          id: row.id,
          state: to,
          order_id: orderId,
          filled_size: filledSize,
          avg_fill_price: details.avgFillPrice ?? row.avg_fill_price,
          reason: details.reason ?? row.reason,
          attempts: to === 'sent' ? row.attempts + 1 : row.attempts,
          updated_at: v.clockNow(this.clock),
        });
        if (updated === undefined) throw new StoreNotFoundError('order intent', clientOid);
        return toIntent(updated);
      },
    );
  }

  /**
   * Journals an intent in state 'pending'. Idempotent by clientOid: recording it again returns the
   * stored row (`created: false`), never a second intent; a different order under the same
   * clientOid throws ClientOidConflictError.
   */
  recordIntent(input: IntentInput): RecordIntentResult {
    const fields = validateIntent(input);
    const now = v.clockNow(this.clock);
    try {
      return this.recordTx.immediate({ ...fields, state: 'pending', created_at: now, updated_at: now });
    } catch (e) {
      if (isUniqueViolation(e) && (fields.kind === 'entry' || fields.kind === 'exit'))
        throw this.inFlightError(fields.kind, fields.symbol, fields.position_id);
      throw e;
    }
  }

  /** The typed form of the one-entry-per-symbol / one-exit-per-position index failing (migration 2). */
  private inFlightError(kind: 'entry' | 'exit', symbol: string, positionId: number | null): IntentInFlightError {
    const other = this.unresolvedStmt
      .all()
      .find((i) => i.kind === kind && (kind === 'entry' ? i.symbol === symbol : i.position_id === positionId));
    return new IntentInFlightError(
      kind,
      kind === 'entry' ? symbol : `position ${positionId}`,
      other?.client_oid ?? null,
    );
  }

  get(clientOid: string): OrderIntent | undefined {
    const row = this.byClientOidStmt.get(v.clientOid('clientOid', clientOid));
    return row === undefined ? undefined : toIntent(row);
  }

  /** Intents the exchange knows under `orderId` (normally one). */
  byOrderId(orderId: string): OrderIntent[] {
    return this.byOrderIdStmt.all(v.text('orderId', orderId, 100)).map(toIntent);
  }

  /** Every intent whose outcome is not final, oldest first: the reconciliation work list. */
  unresolvedIntents(): OrderIntent[] {
    return this.unresolvedStmt.all().map(toIntent);
  }

  forPosition(positionId: number): OrderIntent[] {
    return this.forPositionStmt.all(v.positiveInteger('positionId', positionId)).map(toIntent);
  }

  /** Links an intent to the position it opened or protects (an entry's position exists only after its fill). */
  attachPosition(clientOid: string, positionId: number): OrderIntent {
    const row = this.attachPositionStmt.get({
      client_oid: v.clientOid('clientOid', clientOid),
      position_id: v.positiveInteger('positionId', positionId),
      updated_at: v.clockNow(this.clock),
    });
    if (row === undefined) throw new StoreNotFoundError('order intent', clientOid);
    return toIntent(row);
  }

  /** Moves an intent along the state machine (see the top of this file). */
  transition(clientOid: string, to: IntentState, details: TransitionDetails = {}): OrderIntent {
    v.clientOid('clientOid', clientOid);
    v.oneOf('state', to, INTENT_STATES);
    const checked: TransitionDetails = {
      ...(details.orderId !== undefined && { orderId: v.text('orderId', details.orderId, 100) }),
      ...(details.filledSize !== undefined && { filledSize: v.nonNegative('filledSize', details.filledSize) }),
      ...(details.avgFillPrice !== undefined && { avgFillPrice: v.positive('avgFillPrice', details.avgFillPrice) }),
      ...(details.reason !== undefined && { reason: v.text('reason', details.reason) }),
    };
    return this.transitionTx.immediate(clientOid, to, checked);
  }

  /** Call synchronously right before each send (first try or retry with the same clientOid). */
  markSent(clientOid: string): OrderIntent {
    return this.transition(clientOid, 'sent');
  }

  markAcknowledged(clientOid: string, orderId: string): OrderIntent {
    return this.transition(clientOid, 'acknowledged', { orderId });
  }

  markPartiallyFilled(
    clientOid: string,
    fill: { filledSize: number; avgFillPrice?: number; orderId?: string },
  ): OrderIntent {
    return this.transition(clientOid, 'partially-filled', fill);
  }

  markFilled(
    clientOid: string,
    fill: { filledSize?: number; avgFillPrice?: number; orderId?: string } = {},
  ): OrderIntent {
    return this.transition(clientOid, 'filled', fill);
  }

  markCancelled(clientOid: string, reason?: string): OrderIntent {
    return this.transition(clientOid, 'cancelled', reason === undefined ? {} : { reason });
  }

  markRejected(clientOid: string, reason: string): OrderIntent {
    return this.transition(clientOid, 'rejected', { reason });
  }

  /** The request's outcome is not known (timeout, connection reset): resolve by clientOid later. */
  markUnknown(clientOid: string, reason: string): OrderIntent {
    return this.transition(clientOid, 'unknown', { reason });
  }
}
