export { PostgresStore } from "./postgres-store.js";
export type { PostgresStoreOptions } from "./options.js";
export { DEFAULT_APPLICATION_NAME, DEFAULT_SCHEMA, DEFAULT_SWEEP_BATCH_SIZE, DEFAULT_SWEEP_INTERVAL_MS, DEFAULT_TABLE } from "./options.js";
export { migrationSql, schemaSql } from "./schema.js";
export type { SchemaSqlOptions } from "./schema.js";
