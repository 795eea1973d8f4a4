import type { SqliteDatabase } from "./driver.js";

/**
 * node:sqlite's `DatabaseSync` (Node 22.5+), declared here because @types/node 20 has no
 * node:sqlite: its `prepare()` statements have get/all/run (run → { changes }), no pluck.
 */
export type NodeSqliteDatabase = SqliteDatabase;

