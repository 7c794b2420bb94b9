// Which contracts the scanner looks at: USDT-margined linear perpetuals that are open for trading
// and liquid enough (24h turnover at or above the floor). Everything else (inverse XBTUSDM-style
// contracts, dated futures, settling or paused ones) is skipped before any klines are requested.

import type { Contract } from '../exchange/schemas/index.js';

/** KuCoin's contract type code for perpetual swaps. */
export const PERPETUAL_TYPE = 'FFWCSX';
export const USDT = 'USDT';

/** Why a contract was skipped, or null when the scanner should analyse it. */
export function contractExclusion(contract: Contract, minTurnover: number): string | null {
  if (contract.type !== PERPETUAL_TYPE) return `type ${contract.type} is not a perpetual`;
  if (contract.status !== 'Open') return `status ${contract.status}`;
  if (contract.isInverse) return 'inverse contract';
  if (contract.quoteCurrency !== USDT || contract.settleCurrency !== USDT) {
    return `quoted in ${contract.quoteCurrency}, settled in ${contract.settleCurrency}`;
  }
  if (!(contract.turnoverOf24h >= minTurnover)) return `turnover ${contract.turnoverOf24h} below ${minTurnover}`;
  return null;
}

/** The contracts to scan, most liquid first (so a scan cut short still covered the markets that matter). */
export function tradableContracts(contracts: readonly Contract[], minTurnover: number): Contract[] {
  return contracts
    .filter((c) => contractExclusion(c, minTurnover) === null)
    .sort((a, b) => b.turnoverOf24h - a.turnoverOf24h || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
}
