// The slice of the KuCoin client the executor uses. KucoinFuturesClient satisfies it as is; tests
// pass the real client (or a thin recording wrapper around it) pointed at the simulator.
import type { KucoinFuturesClient } from '../exchange/kucoin-futures-client.js';

export type ExchangePort = Pick<
  KucoinFuturesClient,
  | 'activeContracts'
  | 'ticker'
  | 'accountOverview'
  | 'position'
  | 'positions'
  | 'placeOrder'
  | 'cancelOrderById'
  | 'orderByClientOid'
  | 'orders'
  | 'untriggeredStopOrders'
  | 'fills'
>;
