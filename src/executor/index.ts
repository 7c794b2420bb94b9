// Public surface of the order executor.
export { OrderExecutor, type ExecutorStatus } from './order-executor.js';
export { type OrderExecutorOptions, type RiskLimits, type ExecutorLogger, SILENT_LOGGER } from './executor-options.js';
export { type ExchangePort } from './exchange-port.js';
export { type OpenOptions, type OpenResult, type KillSwitchView } from './entry-flow.js';
export { type CloseResult } from './exit-flow.js';
export { type MoveStopResult } from './stop-mover.js';
export { type ReconcileReport } from './reconciler.js';
export { botIdOf, botPrefix, createBotId, createClientOidFactory, isValidBotId, isValidClientOid, type ClientOidFactory } from './client-oid.js';
export { describeTradeEvent, type TradeEvent, type TradeEventType, type TradeEventSink, type RejectStage } from './trade-event.js';
export { tradePnl, type TradePnlInput, type TradePnl } from './trade-pnl.js';
