// Public surface of the order executor.
export { OrderExecutor } from './order-executor.js';
export type { OrderExecutorOptions, RiskLimits } from './executor-options.js';
export type { ExchangePort } from './exchange-port.js';
export { createClientOidFactory, isValidClientOid } from './client-oid.js';
export { describeTradeEvent, type TradeEvent } from '../protocol/trade-event.js';
export { tradePnl } from './trade-pnl.js';
