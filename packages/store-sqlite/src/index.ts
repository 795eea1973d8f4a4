export { SqliteStore } from "./sqlite-store.js";
export type {
  Database,
  SqliteStoreCommonOptions,
  SqliteStoreDatabaseOptions,
  SqliteStoreOptions,
  SqliteStorePathOptions,
} from "./options.js";
export { DEFAULT_BUSY_TIMEOUT_MS, DEFAULT_SWEEP_BATCH_SIZE, DEFAULT_SWEEP_INTERVAL_MS } from "./options.js";
export { DEFAULT_TABLE, schemaSql, upgradeSql } from "./schema.js";
