// The exchange-side stop-loss that protects every position even when the bot is dead: a reduce-only
// stop market order (KuCoin POST /api/v1/orders with stop, stopPrice, stopPriceType MP), journaled
// like any other order. Moving it places the NEW stop first and cancels the old one only after the
// new one is accepted, so the position is never unprotected (for a moment it has two stops, which
// is harmless: both are reduce-only and the exchange cancels the second when the first closes it).
import { guardOrder, roundToTick } from '../risk/index.js';
import { classifyError } from '../exchange/error-classification.js';
import type { Contract } from '../exchange/schemas/index.js';
import type { Position } from '../store/index.js';
import type { ForeignPosition } from './account-scope.js';
import { toContractSpec } from './contract-cache.js';
import { exitSide, stopDirection, type ExecutorContext } from './executor-context.js';
import { errorMessage } from './order-sender.js';
import { deriveClientOid } from './client-oid.js';
import { orderRetryBackoff } from './order-retry-backoff.js';

export type StopPlacement =
  | {
      readonly ok: true;
      readonly orderId: string;
      readonly clientOid: string;
      readonly stopPrice: number;
      readonly position: Position;
    }
  | { readonly ok: false; readonly reason: string; readonly stage: 'guard' | 'exchange' | 'unknown' };

export type CancelOutcome = 'cancelled' | 'gone' | 'failed';

export class StopManager {
  constructor(private readonly ctx: ExecutorContext) {}

  /**
   * Places a protective stop for `position` at `stopPrice` (rounded to the tick away from the
   * position, so it is never tighter than asked) and records it on the position.
   */
  async place(
    position: Position,
    stopPrice: number,
    replaces?: { clientOid: string | null; orderId: string | null },
  ): Promise<StopPlacement> {
    const contract = await this.ctx.contracts.get(position.symbol);
    if (contract === undefined) return { ok: false, reason: `no active contract ${position.symbol}`, stage: 'guard' };
    const sent = await this.send(
      {
        symbol: position.symbol,
        side: position.side,
        size: position.size,
        leverage: this.ctx.positionLeverage(position, contract),
      },
      contract,
      stopPrice,
      {
        kind: replaces ? 'stop-update' : 'stop',
        // Not positive: a position the journal could not record yet (its entry filled as the store failed).
        positionId: position.id > 0 ? position.id : null,
        targetClientOid: replaces?.clientOid ?? null,
        targetOrderId: replaces?.orderId ?? null,
      },
      (price) => this.stopClientOid(position, price, replaces),
    );
    if (!sent.ok) return sent;
    const patch = { stopOrderId: sent.orderId, stopClientOid: sent.clientOid, stopPrice: sent.stopPrice };
    const write = () => {
      const recorded = this.ctx.store.positions.update(position.id, patch);
      this.ctx.positionPatches.delete(position.id);
      return recorded;
    };
    const updated =
      position.id < 0
        ? { ...position, ...patch }
        : this.ctx.journal.write('stop on position', write, () => {
            this.ctx.positionPatches.set(position.id, { ...this.ctx.positionPatches.get(position.id), ...patch });
            return { ...position, ...patch };
          });
    this.ctx.updateProvisional(updated);
    return { ...sent, position: updated };
  }

  /**
   * Derived from the position, the stop price and the order it replaces, and how many stop orders
   * the position had: a retry of the same placement (even one the journal could not record) is the
   * same order; a new placement is a new one.
   */
  private stopClientOid(
    position: Position,
    price: number,
    replaces?: { clientOid: string | null; orderId: string | null },
  ): string {
    let before = 0;
    try {
      if (position.id > 0)
        before = this.ctx.store.intents
          .forPosition(position.id)
          .filter((i) => i.kind === 'stop' || i.kind === 'stop-update').length;
    } catch (e) {
      if (!this.ctx.journal.noteFailure(e, 'read stop intents')) throw e;
    }
    const key = `stop|${position.symbol}|${position.id}|${position.openedAt}|${position.size}|${price}|${replaces?.orderId ?? '-'}|${before}`;
    return deriveClientOid(this.ctx.o.clientOid, this.ctx.o.botId, 'stop', key);
  }

  /**
   * FOREIGN_POSITIONS=protect: a reduce-only stop of the bot's own (its prefix, journaled without a
   * position) on a position the bot did not open. It never closes, trails or resizes that position
   * any other way.
   */
  async placeForeign(
    target: ForeignPosition,
    stopPrice: number,
  ): Promise<
    | Exclude<StopPlacement, { ok: true }>
    | { readonly ok: true; readonly orderId: string; readonly clientOid: string; readonly stopPrice: number }
  > {
    const contract = await this.ctx.contracts.get(target.symbol);
    if (contract === undefined) return { ok: false, reason: `no active contract ${target.symbol}`, stage: 'guard' };
    return this.send(
      { symbol: target.symbol, side: target.side, size: target.size, leverage: this.ctx.leverageFor(contract) },
      contract,
      stopPrice,
      {
        kind: 'stop',
        positionId: null,
        targetClientOid: null,
        targetOrderId: null,
      },
    );
  }

  private async send(
    target: { symbol: string; side: Position['side']; size: number; leverage: number },
    contract: Contract,
    stopPrice: number,
    intent: {
      kind: 'stop' | 'stop-update';
      positionId: number | null;
      targetClientOid: string | null;
      targetOrderId: string | null;
    },
    /** The clientOid for the rounded stop price; a fresh one when not given. */
    clientOidFor?: (price: number) => string,
  ): Promise<
    | Exclude<StopPlacement, { ok: true }>
    | { readonly ok: true; readonly orderId: string; readonly clientOid: string; readonly stopPrice: number }
  > {
    const { exchange } = this.ctx;
    if (!(Number.isFinite(stopPrice) && stopPrice > 0))
      return { ok: false, reason: `stop price ${stopPrice} is not a positive number`, stage: 'guard' };
    const price = roundToTick(stopPrice, contract.tickSize, target.side === 'long' ? 'down' : 'up');
    const side = exitSide(target.side);
    const leverage = target.leverage;
    const verdict = guardOrder(
      { side, type: 'market', size: target.size, stopPrice: price, reduceOnly: true, leverage },
      toContractSpec(contract),
      { maxNotional: this.ctx.o.limits.maxNotional, maxLeverage: Math.max(leverage, this.ctx.o.limits.leverage) },
    );
    if (!verdict.ok) return { ok: false, reason: `stop order refused by the guard: ${verdict.reason}`, stage: 'guard' };

    const clientOid = clientOidFor?.(price) ?? this.ctx.o.clientOid('stop');
    const stop = stopDirection(target.side);
    this.ctx.intents.recordIntent({
      clientOid,
      symbol: target.symbol,
      side,
      kind: intent.kind,
      size: target.size,
      reduceOnly: true,
      leverage,
      stop,
      stopPrice: price,
      stopPriceType: 'MP',
      positionId: intent.positionId,
      targetClientOid: intent.targetClientOid,
      targetOrderId: intent.targetOrderId,
    });
    const outcome = await this.ctx.sender.send(clientOid, () =>
      exchange.placeOrder({
        clientOid,
        symbol: target.symbol,
        side,
        type: 'market',
        size: target.size,
        leverage,
        reduceOnly: true,
        stop,
        stopPrice: price,
        stopPriceType: 'MP',
      }),
    );
    switch (outcome.kind) {
      case 'accepted':
        return { ok: true, orderId: outcome.orderId, clientOid, stopPrice: price };
      case 'unknown':
        return { ok: false, reason: `stop order outcome unknown: ${outcome.reason}`, stage: 'unknown' };
      case 'rejected':
      case 'no-position':
        return { ok: false, reason: `stop order refused: ${outcome.reason}`, stage: 'exchange' };
      default: {
        const never: never = outcome;
        return never;
      }
    }
  }

  /**
   * Cancels a stop order. 'gone' when the exchange says it can no longer be cancelled (it fired or
   * was cancelled already); the journaled stop intent follows the outcome.
   */
  async cancel(orderId: string, clientOid: string | null, why: string): Promise<CancelOutcome> {
    const backoff = orderRetryBackoff(this.ctx.o.retryDelayMs, this.ctx.o.maxSendAttempts, this.ctx.o.clock);
    for (let attempt = 1; attempt <= this.ctx.o.maxSendAttempts; attempt++) {
      if (attempt > 1) await backoff.sleep();
      try {
        await this.ctx.exchange.cancelOrderById(orderId);
        this.markIntent(clientOid, orderId, 'cancelled', why);
        return 'cancelled';
      } catch (e) {
        const c = classifyError(e);
        if (c.kind === 'not-found') {
          // The exchange no longer knows it: it is not live, so it protects nothing.
          this.markIntent(clientOid, orderId, 'cancelled', `gone from the exchange (${why})`);
          return 'gone';
        }
        // Not cancelable: done already, perhaps filled; reconciliation reads its final state.
        if (c.kind === 'not-cancelable') return 'gone';
        if (!c.retryable) {
          this.ctx.log.warn('stop cancel refused', { orderId, reason: errorMessage(e) });
          return 'failed';
        }
        this.ctx.log.warn('stop cancel failed; retrying', { orderId, attempt, reason: errorMessage(e) });
      }
    }
    return 'failed';
  }

  /** Moves the journaled stop intent to a final state if it is not in one already. */
  markIntent(clientOid: string | null, orderId: string, to: 'cancelled' | 'filled', why: string): void {
    const journal = this.ctx.intents;
    const intent = clientOid !== null ? journal.get(clientOid) : journal.byOrderId(orderId)[0];
    if (
      intent === undefined ||
      intent.state === 'filled' ||
      intent.state === 'cancelled' ||
      intent.state === 'rejected'
    )
      return;
    if (to === 'cancelled') journal.markCancelled(intent.clientOid, why);
    else if (intent.state === 'pending') journal.markRejected(intent.clientOid, `never sent; ${why}`);
    else journal.markFilled(intent.clientOid, { orderId });
  }
}
