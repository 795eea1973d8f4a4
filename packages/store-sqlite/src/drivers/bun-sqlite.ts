import type { SqliteDatabase } from "./driver.js";

/**
 * bun:sqlite's `Database`, declared here because bun:sqlite has no types in this repo:
 * `prepare()` statements have get/all/run (run → { changes }); BLOBs read as Uint8Array.
 */
export type BunSqliteDatabase = SqliteDatabase;
