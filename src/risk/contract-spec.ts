// The contract fields risk maths needs, as KuCoin's /api/v1/contracts/active reports them
// (docs/ARCHITECTURE.md, "KuCoin facts"). Sizes are in lots (contracts); one lot is `multiplier` units of the base
// currency, so a linear contract's notional is size x multiplier x price (in the quote currency).

export interface ContractSpec {
  /** Base-currency units per lot, e.g. 0.001 BTC for XBTUSDTM. */
  multiplier: number;
  /** Order sizes must be multiples of this many lots (1 for most KuCoin contracts). */
  lotSize: number;
  /** Prices must be multiples of this, e.g. 0.1 for XBTUSDTM. */
  tickSize: number;
  /** Largest size in lots one order may carry. */
  maxOrderQty: number;
  /** Highest price an order may carry; omitted means no price ceiling is known. */
  maxPrice?: number;
  maxLeverage: number;
}

const REQUIRED: ReadonlyArray<keyof ContractSpec> = ['multiplier', 'lotSize', 'tickSize', 'maxOrderQty', 'maxLeverage'];

/** First invalid contract field as a reason naming it, or undefined when the contract is usable. */
export function contractProblem(contract: ContractSpec): string | undefined {
  for (const key of REQUIRED) {
    const v: unknown = contract[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
      return `contract.${key} must be a positive finite number, got ${String(v)}`;
    }
  }
  const maxPrice: unknown = contract.maxPrice;
  if (maxPrice !== undefined && (typeof maxPrice !== 'number' || !Number.isFinite(maxPrice) || maxPrice <= 0)) {
    return `contract.maxPrice must be a positive finite number, got ${String(maxPrice)}`;
  }
  return undefined;
}
