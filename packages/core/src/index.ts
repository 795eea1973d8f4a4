export { isManaged } from "./session-store.js";
export type {
  EntriesOptions,
  ListedEntry,
  ManagedSessionStore,
  Operation,
  OwnedSession,
  RemoveSessionsOfOptions,
  SessionEntry,
  SessionManagement,
  SessionStore,
  StoreOptions,
  SweepableStore,
} from "./session-store.js";
export { MAX_ID_BYTES, MAX_TTL_MS } from "./adapter/check-arguments.js";
export { SessionStoreError } from "./session-store-error.js";
export type { SessionStoreErrorOptions } from "./session-store-error.js";
export { DEFAULT_OPERATION_TIMEOUT_MS } from "./adapter/run-operation.js";
export {
  DEFAULT_ENTRIES_BATCH_SIZE,
  DEFAULT_REVOCATION_GRACE_MS,
  MAX_ENTRIES_BATCH_SIZE,
} from "./adapter/check-management.js";
export { startSweeper } from "./sweeper.js";
export type { Sweeper, SweeperOptions } from "./sweeper.js";
export {
  createIdHasher,
  encrypted,
  ENCRYPTION_OVERHEAD_BYTES,
  hashedIds,
  KEY_BYTES,
  MIN_SECRET_BYTES,
} from "./decorators/index.js";
export type { DecoratedStore, EncryptedOptions, HashedIdsOptions, UndecryptableReason } from "./decorators/index.js";
