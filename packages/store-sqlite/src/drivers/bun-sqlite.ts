import { createRequire } from "node:module";
import type { SqliteDatabase } from "./driver.js";

/**
 * bun:sqlite's `Database`, declared here because bun:sqlite has no types in this repo:
 * `prepare()` statements have get/all/run (run → { changes }); BLOBs read as Uint8Array.
 */
export type BunSqliteDatabase = SqliteDatabase;

/**
 * Opens a store-owned bun:sqlite database at `path` with `pragmas`: what a `path`
 * opens under Bun, which cannot load better-sqlite3's native addon.
 */
export function openBunSqlite(path: string, busyTimeoutMs: number, pragmas: readonly string[]): SqliteDatabase {
  const require = createRequire(import.meta.url);
  const { Database } = require("bun:sqlite") as { Database: new (path: string, options: { create: boolean }) => SqliteDatabase };
  const db = new Database(path, { create: true });
  try {
    for (const pragma of [`busy_timeout = ${Math.ceil(busyTimeoutMs)}`, ...pragmas]) db.exec(`PRAGMA ${pragma}`);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
