// Whose order is this? The one rule the executor applies before it touches anything on the account:
// an order is the bot's own when its clientOid carries this bot's prefix, or when the journal knows
// it (orders sent before the namespace existed, or under an earlier BOT_ID). A different bot prefix
// is another copy of this bot; anything else is a person's (or another program's). Only 'own'
// orders are ever cancelled, amended, counted in PnL or used to adopt a position.
import { botIdOf } from './client-oid.js';

export type OrderOwner = 'own' | 'other-bot' | 'person';

export interface JournalView {
  knowsClientOid(clientOid: string): boolean;
  knowsOrderId(orderId: string): boolean;
}

export function orderOwner(
  order: { readonly id: string; readonly clientOid: string | null },
  botId: string,
  journal: JournalView,
): OrderOwner {
  const prefixed = botIdOf(order.clientOid);
  if (prefixed === botId) return 'own';
  if (order.clientOid !== null && journal.knowsClientOid(order.clientOid)) return 'own';
  if (journal.knowsOrderId(order.id)) return 'own';
  return prefixed !== undefined ? 'other-bot' : 'person';
}
