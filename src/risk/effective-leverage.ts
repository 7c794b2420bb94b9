// The leverage an order may use: the configured leverage, but never more than the contract allows.

/** min(config, contract max); both must be finite and at least 1 (KuCoin's lowest leverage). */
export function effectiveLeverage(configLeverage: number, contractMaxLeverage: number): number {
  if (!Number.isFinite(configLeverage) || configLeverage < 1) {
    throw new RangeError(`configLeverage must be a finite number >= 1, got ${configLeverage}`);
  }
  if (!Number.isFinite(contractMaxLeverage) || contractMaxLeverage < 1) {
    throw new RangeError(`contract.maxLeverage must be a finite number >= 1, got ${contractMaxLeverage}`);
  }
  return Math.min(configLeverage, contractMaxLeverage);
}
