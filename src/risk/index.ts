// Public surface of the risk area: pure rules (sizing, the entry gate, rounding, the daily loss limit).
export type { ContractSpec } from './contract-spec.js';
export { roundToTick } from './step-rounding.js';
export { effectiveLeverage } from './effective-leverage.js';
export { positionSize } from './position-size.js';
export { canOpenPosition } from './can-open-position.js';
export { checkDailyLoss } from './daily-loss-kill-switch.js';
export { guardOrder } from './order-guard.js';
