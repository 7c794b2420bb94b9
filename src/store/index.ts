// Public surface of the store: import from here, not from the individual files.
export { Store, type StoreOptions } from './store.js';
export { systemClock, type Clock } from '../resilience/clock.js';
export { openDatabase, storePath, STORE_FILE_NAME, DEFAULT_BUSY_TIMEOUT_MS, type DatabaseOptions, type SqliteDatabase } from './database.js';
export { migrate, schemaVersion, MIGRATIONS, SCHEMA_VERSION, type Migration, type MigrationResult } from './migrations.js';
export {
  OrderJournal,
  canTransition,
  INTENT_KINDS,
  INTENT_STATES,
  UNRESOLVED_STATES,
  FINAL_STATES,
  STOP_DIRECTIONS,
  STOP_PRICE_TYPES,
  type IntentKind,
  type IntentState,
  type IntentInput,
  type OrderIntent,
  type RecordIntentResult,
  type TransitionDetails,
  type StopDirection,
  type StopPriceType,
} from './order-journal.js';
export { PositionStore, POSITION_STATUSES, type Position, type PositionStatus, type OpenPositionInput, type PositionPatch } from './position-store.js';
export { TradeStore, CLOSE_REASONS, type CloseReason, type CloseInput, type ClosedTrade, type RecordCloseResult, type TradeStats } from './trade-store.js';
export { FillStore, LIQUIDITY, type Fill, type FillInput, type Liquidity, type RecordFillsResult } from './fill-store.js';
export { DailyPnl, type DailyPnlSummary, type EquitySnapshot } from './daily-pnl.js';
export { BotIdentity } from './bot-identity.js';
export {
  EventHistory,
  type AlertInput,
  type AlertRecord,
  type RestartInput,
  type RestartRecord,
  type HistoryQuery,
} from './event-history.js';
export { OperatorCommands, type OperatorCommandInput, type OperatorCommandRecord } from './operator-commands.js';
export { ORDER_SIDES, POSITION_SIDES, type OrderSide, type PositionSide } from './store-types.js';
export { utcDay } from './utc-day.js';
export { StoreInputError, isStoreInputError, STORE_INPUT_ERROR } from './errors/store-input-error.js';
export { IllegalTransitionError, isIllegalTransitionError, ILLEGAL_TRANSITION } from './errors/illegal-transition-error.js';
export { ClientOidConflictError, isClientOidConflictError, CLIENT_OID_CONFLICT } from './errors/client-oid-conflict-error.js';
export { ActivePositionExistsError, isActivePositionExistsError, ACTIVE_POSITION_EXISTS } from './errors/active-position-exists-error.js';
export { StoreNotFoundError, isStoreNotFoundError, STORE_NOT_FOUND } from './errors/store-not-found-error.js';
export { StaleVenueViewError, isStaleVenueViewError, STALE_VENUE_VIEW } from './errors/stale-venue-view-error.js';
export { IntentInFlightError, isIntentInFlightError, INTENT_IN_FLIGHT } from './errors/intent-in-flight-error.js';
export { SchemaVersionError, isSchemaVersionError, SCHEMA_VERSION_MISMATCH } from './errors/schema-version-error.js';
export { StoreOpenError, isStoreOpenError, STORE_OPEN_FAILED, STORE_OPEN_EXIT_CODE } from './errors/store-open-error.js';
export { DataDirLock, LOCK_FILE_NAME } from './data-dir-lock.js';
export { DataDirLockedError, isDataDirLockedError, DATA_DIR_LOCKED } from './errors/data-dir-locked-error.js';
