// Public surface of the risk area: pure functions plus the day-latched kill switch.
export { contractProblem, type ContractSpec } from './contract-spec.js';
export { roundToStep, roundToTick, isOnTick, isMultipleOfStep, isCanonicalMultiple, floorToLot, decimalsOf, type RoundingMode } from './step-rounding.js';
export { effectiveLeverage } from './effective-leverage.js';
export { positionSize, type PositionSizeInput, type PositionSize, type SizeLimit } from './position-size.js';
export { canOpenPosition, type CanOpenInput, type Verdict } from './can-open-position.js';
export { DAY_MS, utcDayStart, nextUtcMidnight } from './utc-day.js';
export {
  checkDailyLoss, isKillSwitchTripped, DailyLossKillSwitch,
  type DailyLossInput, type DailyLossCheck, type DailyLossKillSwitchOptions, type KillSwitchState,
} from './daily-loss-kill-switch.js';
export { guardOrder, type GuardedOrder, type OrderLimits, type GuardField, type GuardVerdict } from './order-guard.js';
export { trailingStop, type TrailingStopInput } from './trailing-stop.js';
export { exitDecision, type ExitAction, type ExitInput } from './exit-decision.js';
