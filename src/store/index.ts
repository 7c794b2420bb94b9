// Public surface of the store: import from here, not from the individual files.
export { Store, type StoreOptions } from './store.js';
export { openDatabase, storePath } from './database.js';
export { migrate, schemaVersion, MIGRATIONS, SCHEMA_VERSION, type Migration } from './migrations.js';
export {
  OrderJournal,
  canTransition,
  INTENT_STATES,
  UNRESOLVED_STATES,
  type IntentState,
  type IntentInput,
  type OrderIntent,
} from './order-journal.js';
export type { Position } from './position-store.js';
export type { CloseReason, ClosedTrade } from './trade-store.js';
export type { FillInput } from './fill-store.js';
export { OperatorCommands, type OperatorCommandRecord } from './operator-commands.js';
export type { OrderSide, PositionSide } from './store-types.js';
export { isStoreInputError } from './errors/store-input-error.js';
export { isIllegalTransitionError } from './errors/illegal-transition-error.js';
export { isClientOidConflictError } from './errors/client-oid-conflict-error.js';
export { isActivePositionExistsError } from './errors/active-position-exists-error.js';
export { isStoreNotFoundError } from './errors/store-not-found-error.js';
export { isStaleVenueViewError } from './errors/stale-venue-view-error.js';
export { isIntentInFlightError } from './errors/intent-in-flight-error.js';
export { isSchemaVersionError } from './errors/schema-version-error.js';
export { StoreOpenError, isStoreOpenError, STORE_OPEN_EXIT_CODE } from './errors/store-open-error.js';
export { DataDirLock, LOCK_FILE_NAME } from './data-dir-lock.js';
export { DataDirLockedError, isDataDirLockedError } from './errors/data-dir-locked-error.js';
