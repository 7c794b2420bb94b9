// Contract facts (multiplier, lot and tick sizes, leverage cap) from /api/v1/contracts/active,
// fetched once and refreshed after a TTL. A failed refresh keeps serving the previous list: the
// facts of a listed contract change rarely, and a stale lot size is safer than no order guard.
import type { Contract } from '../exchange/schemas/index.js';
import type { Clock } from '../resilience/clock.js';
import type { ContractSpec } from '../risk/index.js';
import type { ExchangePort } from './exchange-port.js';

export class ContractCache {
  private contracts = new Map<string, Contract>();
  private fetchedAt = Number.NEGATIVE_INFINITY;
  private refreshing: Promise<void> | undefined;

  constructor(
    private readonly exchange: Pick<ExchangePort, 'activeContracts'>,
    private readonly clock: Clock,
    private readonly ttlMs: number,
  ) {}

  /** The contract, refreshing the list first when it is older than the TTL (or missing the symbol). */
  async get(symbol: string): Promise<Contract | undefined> {
    const stale = this.clock.now() - this.fetchedAt >= this.ttlMs;
    if (stale || !this.contracts.has(symbol)) {
      try {
        await this.refresh();
      } catch (e) {
        if (this.contracts.size === 0) throw e;
      }
    }
    return this.contracts.get(symbol);
  }

  /** Known without a network call (may be stale); for paths that must not fail on a refresh. */
  peek(symbol: string): Contract | undefined {
    return this.contracts.get(symbol);
  }

  refresh(): Promise<void> {
    this.refreshing ??= this.exchange
      .activeContracts()
      .then(({ data }) => {
        this.contracts = new Map(data.map((c) => [c.symbol, c]));
        this.fetchedAt = this.clock.now();
      })
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }
}

/** The fields risk maths needs. */
export function toContractSpec(c: Contract): ContractSpec {
  return {
    multiplier: c.multiplier,
    lotSize: c.lotSize,
    tickSize: c.tickSize,
    maxOrderQty: c.maxOrderQty,
    maxPrice: c.maxPrice,
    maxLeverage: c.maxLeverage,
  };
}
