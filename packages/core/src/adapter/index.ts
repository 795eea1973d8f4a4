/**
 * `@session-store/core/adapter`: what adapter authors use and applications do not.
 * Argument and option checks, the deadline-and-error wrapper every backend call runs
 * in, redaction, and the patterns every store needs (close once, a resource made on
 * first use and retried after a failure, the optional background sweeper).
 */
export {
  checkArguments,
  checkIdentifierArgument,
  checkOwner,
  checkStoreOptions,
  MAX_ID_BYTES,
  MAX_TTL_MS,
} from "./check-arguments.js";
export {
  checkEntriesOptions,
  checkRemoveSessionsOf,
  checkRevocationGrace,
  DEFAULT_ENTRIES_BATCH_SIZE,
  DEFAULT_REVOCATION_GRACE_MS,
  MAX_ENTRIES_BATCH_SIZE,
} from "./check-management.js";
export type { SessionArguments } from "./check-arguments.js";
export { checkIdentifier } from "./check-identifier.js";
export { checkKnownOptions, unknownOptionMessage } from "./check-known-options.js";
export { quoteIdentifier } from "./quote-identifier.js";
export { checkBoolean, checkCount, checkOptionsObject, checkSweepInterval, checkTimeout, MAX_TIMER_MS, optional } from "./check-options.js";
export { CloseOnce } from "./close-once.js";
export { isMissingPackage } from "./is-missing-package.js";
export { LazyResource } from "./lazy-resource.js";
export { optionalSweeper } from "./optional-sweeper.js";
export { redact } from "./redact.js";
export { DEFAULT_OPERATION_TIMEOUT_MS, operationContexts, runOperation } from "./run-operation.js";
export type { OperationContext } from "./run-operation.js";
export { OrderedById } from "./ordered-by-id.js";
export { decodeSession, encodeSession } from "./session-bytes.js";
export type { Serializer } from "./session-bytes.js";
export { checkBridgeOptions, DEFAULT_BRIDGE_TTL_MS } from "./bridge-options.js";
export type { BridgeOptions } from "./bridge-options.js";
export { pingStore, storeReady } from "./store-ready.js";
export { socketErrorReason } from "./socket-error-reason.js";
