// After the exchange accepted an order: wait until it is done, then read what actually filled from
// the fills (size-weighted average price, fees) and move the intent to its final state. Fills can
// trail the order status by a moment, so they are re-read until they add up to the filled size.
import type { Fill as ExchangeFill, Order } from '../exchange/schemas/index.js';
import type { Clock } from '../resilience/clock.js';
import { ExponentialBackoff } from '../resilience/exponential-backoff.js';
import type { OrderJournal } from '../store/index.js';
import type { ExchangePort } from './exchange-port.js';
import { summarizeFills, pricedFromExchange, type FillSummary } from './fill-summary.js';
import { errorMessage, lookupByClientOid } from './order-sender.js';

export interface FilledConfirmation {
  /** 'partial': done with only part filled (the rest cancelled); `summary.size` > 0. */
  readonly kind: 'filled' | 'partial';
  readonly order: Order;
  readonly fills: readonly ExchangeFill[];
  readonly summary: FillSummary;
  /**
   * Moves the intent to its final state. Synchronous, so the caller runs it inside the same store
   * transaction that records what the fill did (the position, or the closed trade).
   */
  readonly journal: () => void;
}

export type Confirmation =
  | FilledConfirmation
  | { readonly kind: 'unfilled'; readonly order: Order }
  /** Could not learn the outcome (still open after the polls, or the queries failed). */
  | { readonly kind: 'unknown'; readonly reason: string };

export interface ConfirmDeps {
  readonly exchange: Pick<ExchangePort, 'orderByClientOid' | 'fills'>;
  readonly journal: OrderJournal;
  readonly clock: Clock;
  readonly polls: number;
  readonly pollMs: number;
}

/** Every fill of `orderId` (all pages). */
export async function fillsOfOrder(exchange: Pick<ExchangePort, 'fills'>, orderId: string): Promise<ExchangeFill[]> {
  const out: ExchangeFill[] = [];
  for (let page = 1; page <= 20; page++) {
    const { data } = await exchange.fills({ orderId, currentPage: page, pageSize: 200 });
    out.push(...data.items.filter((f) => f.orderId === orderId));
    if (page >= data.totalPage || data.items.length === 0) break;
  }
  return out;
}

/** Fills add up to the order's filled size (to a billionth of a lot). */
function complete(fills: readonly ExchangeFill[], filledSize: number): boolean {
  const sum = fills.reduce((s, f) => s + f.size, 0);
  return Math.abs(sum - filledSize) <= 1e-9 * Math.max(1, filledSize);
}

export async function confirmOrder(deps: ConfirmDeps, clientOid: string): Promise<Confirmation> {
  let order: Order | undefined;
  let lastError = 'no answer';
  for (let i = 0; i < deps.polls; i++) {
    if (i > 0) await deps.clock.sleep(deps.pollMs);
    try {
      order = (await deps.exchange.orderByClientOid(clientOid)).data;
      if (!order.isActive || order.status === 'done') break;
    } catch (e) {
      lastError = errorMessage(e);
    }
  }
  if (order === undefined) return { kind: 'unknown', reason: `order ${clientOid} could not be read: ${lastError}` };
  if (order.isActive && order.status !== 'done')
    return { kind: 'unknown', reason: `order ${clientOid} still open after ${deps.polls} polls` };
  return settle(deps, clientOid, order);
}

/** Journals the final state of a done order from its fills. */
export async function settle(deps: ConfirmDeps, clientOid: string, order: Order): Promise<Confirmation> {
  const { journal } = deps;
  if (!(order.filledSize > 0)) {
    journal.markCancelled(clientOid, `done with nothing filled (status ${order.status})`);
    return { kind: 'unfilled', order };
  }
  let fills: ExchangeFill[] = [];
  for (let i = 0; i < deps.polls; i++) {
    if (i > 0) await deps.clock.sleep(deps.pollMs);
    try {
      fills = await fillsOfOrder(deps.exchange, order.id);
      if (complete(fills, order.filledSize)) break;
    } catch {
      // Retried on the next poll.
    }
  }
  if (!complete(fills, order.filledSize)) {
    return {
      kind: 'unknown',
      reason: `fills of ${order.id} add up to ${fills.reduce((s, f) => s + f.size, 0)}, order says ${order.filledSize}`,
    };
  }
  const summary = summarizeFills(fills.map(pricedFromExchange));
  const intent = journal.get(clientOid);
  const size = intent?.size ?? order.size;
  if (order.filledSize >= size) {
    const record = (): void =>
      void journal.markFilled(clientOid, { orderId: order.id, filledSize: size, avgFillPrice: summary.avgPrice });
    return { kind: 'filled', order, fills, summary, journal: record };
  }
  const record = (): void => {
    journal.markPartiallyFilled(clientOid, {
      orderId: order.id,
      filledSize: order.filledSize,
      avgFillPrice: summary.avgPrice,
    });
    journal.markCancelled(clientOid, `remainder ${size - order.filledSize} cancelled by the exchange`);
  };
  return { kind: 'partial', order, fills, summary, journal: record };
}

/** How long an unknown outcome is asked about before it is left to reconciliation. */
export const RESOLVE_BACKOFF = { baseDelay: 100, maxDelay: 2_000, maxRetries: 6, factor: 2, jitter: 0.1 } as const;

/**
 * An order whose outcome is unknown (its POST timed out, failed, or came back unreadable, or the
 * fill could not be confirmed): ask the exchange about its clientOid with the toolkit's backoff
 * until it is done. Not found is no proof it never arrived (it may still be on its way), so this
 * never moves the intent to a final state by itself: still unknown after the retries, it is left
 * to reconciliation.
 */
export async function resolveByClientOid(deps: ConfirmDeps, clientOid: string, why: string): Promise<Confirmation> {
  const backoff = new ExponentialBackoff({ ...RESOLVE_BACKOFF, clock: deps.clock });
  let reason = why;
  do {
    const found = await lookupByClientOid(deps.exchange, clientOid);
    if (found.kind === 'found') {
      if (found.order.isActive && found.order.status !== 'done') {
        reason = `order ${clientOid} still open`;
        continue;
      }
      if (deps.journal.get(clientOid)?.state === 'unknown' || deps.journal.get(clientOid)?.state === 'sent')
        deps.journal.markAcknowledged(clientOid, found.order.id);
      const conf = await settle(deps, clientOid, found.order);
      if (conf.kind !== 'unknown') return conf;
      reason = conf.reason;
    } else {
      reason =
        found.kind === 'not-found'
          ? `order ${clientOid} not (yet) known to the exchange`
          : `lookup failed: ${found.reason}`;
    }
  } while (await backoff.sleep());
  return { kind: 'unknown', reason };
}
