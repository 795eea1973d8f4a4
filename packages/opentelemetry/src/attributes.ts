/*
 * The OpenTelemetry names this package records. The `db.*` and `error.type` names are
 * the stable database semantic conventions, spelt out here so that applications need
 * no @opentelemetry/semantic-conventions at run time (a test checks they agree).
 */

export const ATTR_DB_SYSTEM_NAME = "db.system.name";
export const ATTR_DB_OPERATION_NAME = "db.operation.name";
export const ATTR_DB_NAMESPACE = "db.namespace";
export const ATTR_ERROR_TYPE = "error.type";

/** `error.type` when what was thrown is not an `Error` (the conventions' fallback). */
export const ERROR_TYPE_OTHER = "_OTHER";

/** Histogram of each call's duration, in seconds. */
export const METRIC_DB_CLIENT_OPERATION_DURATION = "db.client.operation.duration";
/** Counter of calls that rejected. */
export const METRIC_OPERATION_ERRORS = "session_store.operation.errors";
/** Counter of entries `sweep()` deleted (expired sessions and ended revocations). */
export const METRIC_SWEEP_DELETED = "session_store.sweep.deleted";

/** The conventions' bucket boundaries for `db.client.operation.duration`, in seconds. */
export const DURATION_BUCKETS_SECONDS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10];

/** `db.system.name` of each store of this project, by its class. */
export const SYSTEM_OF_CLASS: Readonly<Record<string, string>> = {
  MemoryStore: "memory",
  SqliteStore: "sqlite",
  PostgresStore: "postgresql",
  RedisStore: "redis",
  MongoStore: "mongodb",
};
