// The account-scope collector: what the executor's latest reconciliation found on the account that
// is not the bot's (foreign positions and orders, symbols another bot trades), and the bot's
// clientOid namespace.
import type { ForeignPositionsReport, OrdersReport } from './health-report.js';

/** The executor's account-scope summary, as it arrives from the thread. */
export interface AccountScopeSample {
  readonly botId: string;
  readonly foreignOrders: number;
  readonly foreignPositions: readonly { readonly symbol: string }[];
  readonly contested: readonly { readonly symbol: string }[];
}

export class AccountScopeCollector {
  private foreignPositionSymbols: readonly string[] = [];
  private foreignOrders = 0;
  private clientOidPrefix: string | null = null;
  private contestedSymbols: readonly string[] = [];

  record(scope: AccountScopeSample): void {
    this.foreignPositionSymbols = scope.foreignPositions.map((p) => p.symbol).sort();
    this.foreignOrders = scope.foreignOrders;
    this.clientOidPrefix = `kb_${scope.botId}_`;
    this.contestedSymbols = scope.contested.map((c) => c.symbol).sort();
  }

  /** Sorted; empty when no other bot trades the account. */
  contested(): readonly string[] {
    return this.contestedSymbols;
  }

  foreignPositions(): ForeignPositionsReport {
    return { count: this.foreignPositionSymbols.length, symbols: [...this.foreignPositionSymbols] };
  }

  ordersReport(): OrdersReport {
    return {
      foreign: this.foreignOrders,
      client_oid_prefix: this.clientOidPrefix,
      contested_symbols: [...this.contestedSymbols],
    };
  }
}
