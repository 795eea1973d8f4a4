/**
 * `@session-store/store-postgres/internal`: what the store sends (its DDL, statements and
 * index name), for tooling (the benchmark's raw contender, plan checks) to run exactly the
 * same. `schemaSql` is public too; the rest is not a stable API.
 */
export { expiryIndexName, ownerIndexName, schemaSql } from "./schema.js";
export { statementsFor } from "./statements.js";
export type { Statement, Statements } from "./statements.js";
