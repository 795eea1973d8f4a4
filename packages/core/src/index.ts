export type { Operation, SessionStore, SweepableStore } from "./session-store.js";
export { checkArguments, MAX_ID_BYTES, MAX_TTL_MS } from "./check-arguments.js";
export type { SessionArguments } from "./check-arguments.js";
export { checkIdentifier } from "./check-identifier.js";
export { redact, SessionStoreError } from "./session-store-error.js";
export type { SessionStoreErrorOptions } from "./session-store-error.js";
export { checkBoolean, checkCount, checkTimeout } from "./check-options.js";
export { DEFAULT_OPERATION_TIMEOUT_MS, operationContexts, runOperation } from "./run-operation.js";
export type { OperationContext } from "./run-operation.js";
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
