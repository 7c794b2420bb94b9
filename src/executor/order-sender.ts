// Sending one journaled order so that it reaches the exchange at most once. The intent is already
// in the journal (pending) under its clientOid. Each attempt is marked 'sent' synchronously before
// the request leaves. After a failure whose outcome is unknown (timeout, network, 5xx, 429) the
// order is looked up by clientOid FIRST, and only re-sent, with the SAME clientOid, when the
// exchange does not know it; the exchange deduplicates on clientOid as a second line of defence.
// A new clientOid for the same intent is never made here.
import type { ExchangeResult } from '../exchange/call-policy.js';
import type { Order, PlacedOrder } from '../exchange/schemas/index.js';
import { classifyError } from '../exchange/error-classification.js';
import type { Clock } from '../resilience/clock.js';
import { orderRetryBackoff } from './order-retry-backoff.js';
import type { OrderJournal } from '../store/index.js';
import type { ExchangePort } from './exchange-port.js';
import type { ExecutorLogger } from './executor-options.js';

export type SendOutcome =
  | { readonly kind: 'accepted'; readonly orderId: string }
  /** The exchange refused it for good (bad parameter, balance...): intent marked rejected. */
  | { readonly kind: 'rejected'; readonly reason: string; readonly code: string | null }
  /** 300009: nothing to reduce or close (already flat). Intent marked rejected with that reason. */
  | { readonly kind: 'no-position'; readonly reason: string }
  /** Still unknown after every attempt: intent left 'unknown' for reconciliation. */
  | { readonly kind: 'unknown'; readonly reason: string };

export type LookupOutcome =
  | { readonly kind: 'found'; readonly order: Order }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'error'; readonly reason: string };

export interface OrderSenderDeps {
  readonly exchange: Pick<ExchangePort, 'orderByClientOid'>;
  readonly journal: OrderJournal;
  readonly clock: Clock;
  readonly logger: ExecutorLogger;
  readonly maxAttempts: number;
  readonly retryDelayMs: number;
}

export function errorCode(e: unknown): string | null {
  return typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string'
    ? (e as { code: string }).code
    : null;
}

/**
 * The request reached the exchange, or may have, and we cannot tell what it did: a timeout, a
 * network failure, a 5xx, a rate-limit answer, or a reply that could not be read (malformed or cut
 * off; the exchange error carries `retryable` for those). Never a final state.
 */
export function outcomeUnknown(e: unknown): boolean {
  if (classifyError(e).retryable) return true;
  return typeof e === 'object' && e !== null && (e as { retryable?: unknown }).retryable === true;
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** What the exchange knows about `clientOid`. */
export async function lookupByClientOid(
  exchange: Pick<ExchangePort, 'orderByClientOid'>,
  clientOid: string,
): Promise<LookupOutcome> {
  try {
    const { data } = await exchange.orderByClientOid(clientOid);
    return { kind: 'found', order: data };
  } catch (e) {
    if (classifyError(e).kind === 'not-found') return { kind: 'not-found' };
    return { kind: 'error', reason: errorMessage(e) };
  }
}

export class OrderSender {
  constructor(private readonly deps: OrderSenderDeps) {}

  async send(clientOid: string, post: () => Promise<ExchangeResult<PlacedOrder>>): Promise<SendOutcome> {
    const { journal, logger, maxAttempts } = this.deps;
    let lastReason = 'not sent';
    const backoff = orderRetryBackoff(this.deps.retryDelayMs, maxAttempts, this.deps.clock);
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (attempt > 1) {
        await backoff.sleep();
        const found = await lookupByClientOid(this.deps.exchange, clientOid);
        if (found.kind === 'found')
          return this.accepted(clientOid, found.order.id, 'found by clientOid after an unknown outcome');
        if (found.kind === 'error') {
          // Cannot tell whether the order exists: re-sending is still safe (same clientOid), but the
          // lookup failing suggests the exchange is unreachable; spend this attempt waiting instead.
          lastReason = `lookup failed: ${found.reason}`;
          logger.warn('order lookup by clientOid failed', { clientOid, attempt, reason: found.reason });
          continue;
        }
      }
      journal.markSent(clientOid);
      try {
        const { data } = await post();
        return this.accepted(clientOid, data.orderId, attempt > 1 ? `accepted on attempt ${attempt}` : 'accepted');
      } catch (e) {
        const c = classifyError(e);
        const reason = `${errorMessage(e)} (${c.reason})`;
        if (c.action === 'done') {
          journal.markRejected(clientOid, reason);
          return { kind: 'no-position', reason };
        }
        if (!outcomeUnknown(e)) {
          journal.markRejected(clientOid, reason);
          return { kind: 'rejected', reason, code: errorCode(e) };
        }
        journal.markUnknown(clientOid, reason);
        lastReason = reason;
        logger.warn('order outcome unknown; will resolve by clientOid', { clientOid, attempt, reason });
      }
    }
    // One last look: the final attempt may have gone through.
    const found = await lookupByClientOid(this.deps.exchange, clientOid);
    if (found.kind === 'found')
      return this.accepted(clientOid, found.order.id, 'found by clientOid after the last attempt');
    return { kind: 'unknown', reason: lastReason };
  }

  private accepted(clientOid: string, orderId: string, note: string): SendOutcome {
    this.deps.journal.markAcknowledged(clientOid, orderId);
    this.deps.logger.debug(`order ${note}`, { clientOid, orderId });
    return { kind: 'accepted', orderId };
  }
}
