/**
 * `@session-store/store-sqlite/internal`: what the store runs (its DDL, statements and
 * pragmas), for tooling (the benchmark's raw contender) to run exactly the same.
 * `schemaSql` is public too; the rest is not a stable API.
 */
export { OWNED_DATABASE_PRAGMAS } from "./options.js";
export { schemaSql, upgradeSql } from "./schema.js";
export { statementsFor } from "./statements.js";
export type { Statements } from "./statements.js";
