import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { describeSessionStore } from "@session-store/conformance";
import { SqliteStore } from "../src/index.js";

// One database file for this test file; every namespace is a table in it.
const dir = mkdtempSync(join(tmpdir(), "session-store-sqlite-conformance-"));
const path = join(dir, "sessions.db");
let reader: BetterSqlite3.Database | undefined;

describeSessionStore({
  name: "sqlite",
  create: (namespace) => new SqliteStore({ path, table: namespace }),
  capabilities: { expiry: "sweep", sharedNamespace: true },
  // Reads expires_at with a connection of its own, so the suite sees the row, not what the store reports.
  inspect: async (namespace, id) => {
    if (!existsSync(path)) return undefined;
    reader ??= new BetterSqlite3(path, { timeout: 5_000 });
    const exists = reader.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?").get(namespace);
    if (exists === undefined) return undefined;
    // The namespace is a made-up lowercase identifier, and the schema lookup above found it.
    const expiresAt = reader
      .prepare<[string], number>(`SELECT expires_at FROM "${namespace}" WHERE id = ?`)
      .pluck()
      .get(id);
    return expiresAt === undefined ? undefined : { expiresInMs: expiresAt - Date.now() };
  },
  cleanup: async () => {
    reader?.close();
    rmSync(dir, { recursive: true, force: true });
  },
});
