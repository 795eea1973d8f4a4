/**
 * The raw better-sqlite3 contender for SQLite: the same pragmas, DDL and prepared
 * statements as SqliteStore (its exported `prepareStatements`), with nothing around them.
 */
import BetterSqlite3 from "better-sqlite3";
import { prepareStatements, sqliteSchema } from "@session-store/store-sqlite";
import type { Workload } from "./types.js";

export const TABLE = "sessions";
const BUSY_TIMEOUT_MS = 5_000;

/** Opens a file the way SqliteStore opens its own: WAL, synchronous=NORMAL, a busy timeout. */
export function openDatabase(path: string, options: BetterSqlite3.Options = {}): BetterSqlite3.Database {
  const db = new BetterSqlite3(path, { timeout: BUSY_TIMEOUT_MS, ...options });
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  return db;
}

/** The raw contender on an open database: the store's two statements, prepared once. */
export function rawWorkload(db: BetterSqlite3.Database, ownsDb = true): Workload {
  db.exec(sqliteSchema(TABLE));
  const { load, store } = prepareStatements(db, TABLE);
  return {
    async load(id) {
      return load.get(id, Date.now());
    },
    async store(id, data, ttlMs) {
      store.run(id, data, Date.now() + ttlMs);
    },
    async close() {
      if (ownsDb) db.close();
    },
  };
}
