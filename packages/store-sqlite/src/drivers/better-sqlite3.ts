import BetterSqlite3 from "better-sqlite3";
import type { SqliteDatabase } from "./driver.js";

/** Opens a store-owned better-sqlite3 database at `path` with `pragmas` (the only flavour a `path` opens). */
export function openBetterSqlite3(path: string, busyTimeoutMs: number, pragmas: readonly string[]): SqliteDatabase {
  const db = new BetterSqlite3(path, { timeout: busyTimeoutMs });
  try {
    for (const pragma of pragmas) db.pragma(pragma);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
