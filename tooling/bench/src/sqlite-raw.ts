/**
 * The raw better-sqlite3 contender for SQLite: the same pragmas, DDL and statements
 * as SqliteStore (packages/store-sqlite/src/sqlite-store.ts and statements.ts), with
 * nothing around them. `checkSameStatements` proves at run time that they are the
 * same, by tracing the SQL each side sends to SQLite.
 */
import BetterSqlite3 from "better-sqlite3";
import { SqliteStore, sqliteSchema } from "@session-store/store-sqlite";
import type { Workload } from "./types.js";

export const TABLE = "sessions";
const BUSY_TIMEOUT_MS = 5_000;

// Copied from packages/store-sqlite/src/statements.ts: keep equal (checkSameStatements fails otherwise).
const LOAD_SQL = `SELECT data FROM "${TABLE}" WHERE id = ? AND expires_at > ?`;
const STORE_SQL = `INSERT INTO "${TABLE}" (id, data, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at`;

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
  const load = db.prepare<[string, number], Buffer>(LOAD_SQL).pluck();
  const store = db.prepare<[string, Uint8Array, number]>(STORE_SQL);
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

/**
 * Runs one store and one load through SqliteStore and through the raw contender, each
 * on a traced in-memory database, and compares the SQL SQLite saw (times masked).
 * Resolves undefined when equal, else the difference.
 */
export async function checkSameStatements(): Promise<string | undefined> {
  const blob = Buffer.from([0, 1, 2, 255]);
  const trace = async (run: (db: BetterSqlite3.Database) => Promise<void>): Promise<string[]> => {
    const seen: string[] = [];
    const db = new BetterSqlite3(":memory:", { verbose: (sql) => seen.push(String(sql)) });
    try {
      db.exec(sqliteSchema(TABLE));
      seen.length = 0;
      await run(db);
    } finally {
      db.close();
    }
    return seen.map((sql) => sql.replace(/\b\d{10,}\b/g, "<time>").replace(/\s+/g, " ").trim());
  };
  const ours = await trace(async (db) => {
    const store = new SqliteStore({ database: db, table: TABLE });
    await store.store("check", blob, 60_000);
    await store.load("check");
    await store.close();
  });
  const raw = await trace(async (db) => {
    const workload = rawWorkload(db, false);
    await workload.store("check", blob, 60_000);
    await workload.load("check");
  });
  // The raw side re-runs the idempotent DDL when it prepares; SqliteStore did it on first use.
  const withoutDdl = (list: string[]) => list.filter((sql) => !/^CREATE /i.test(sql));
  const a = withoutDdl(ours).join("\n");
  const b = withoutDdl(raw).join("\n");
  return a === b ? undefined : `its statements differ from SqliteStore's:\n  ours: ${a}\n  raw:  ${b}`;
}
