import { createRequire } from "node:module";
import { describeSessionStore } from "@session-store/conformance";
import { harness } from "@session-store/harness";
import type { Database } from "../src/index.js";
import { SqliteStore } from "../src/index.js";

// One database file for this test file; every namespace is a table in it.
const backend = await harness("sqlite");
const file = backend.newNamespace();
const path = new URL(backend.storeUrl(file)).pathname;

// Which driver the store runs on (.ci/runtimes.mjs sets it): better-sqlite3 opens by `path`,
// node:sqlite and bun:sqlite are opened here and given as `database`.
const driver = process.env.SESSION_STORE_SQLITE_DRIVER || "better-sqlite3";
const require = createRequire(import.meta.url);
const opened: Database[] = [];
function openDatabase(): Database | undefined {
  if (driver === "better-sqlite3") return undefined;
  if (driver === "node:sqlite") {
    const { DatabaseSync } = require("node:sqlite") as { DatabaseSync: new (file: string) => Database };
    opened.push(new DatabaseSync(path));
  } else if (driver === "bun:sqlite") {
    const { Database: BunDatabase } = require("bun:sqlite") as { Database: new (file: string) => Database };
    opened.push(new BunDatabase(path));
  } else {
    throw new Error(`unknown SESSION_STORE_SQLITE_DRIVER "${driver}"`);
  }
  const db = opened[opened.length - 1] as Database;
  db.exec("PRAGMA busy_timeout = 5000");
  return db;
}

describeSessionStore({
  name: `sqlite (${driver})`,
  create: (namespace, options = {}) => {
    const { revocationGraceMs } = options;
    // The suite calls sweep() itself and counts what it deletes: a background run at a random moment would take from that count.
    const sweepIntervalMs = false;
    const database = openDatabase();
    return database === undefined
      ? new SqliteStore({ path, table: namespace, revocationGraceMs, sweepIntervalMs })
      : new SqliteStore({ database, table: namespace, revocationGraceMs, sweepIntervalMs });
  },
  capabilities: { expiry: "sweep", sharedNamespace: true, management: true },
  // Reads expires_at with a connection of its own, so the suite sees the row, not what the store reports.
  inspect: (namespace, id) => backend.inspect(`${file}.${namespace}`, id),
  cleanup: async () => {
    for (const db of opened.splice(0)) db.close();
    await backend.cleanup();
  },
});
