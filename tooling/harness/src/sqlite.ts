import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Backend } from "./backend.js";
import { namespaceSet } from "./backend.js";

/** One database file per namespace, `<ns>.db` with table `<ns>`, in a temp dir that cleanup deletes. */
export function sqliteBackend(): Backend {
  const namespaces = namespaceSet();
  let dir: string | undefined;
  const pathOf = (namespace: string) => join((dir ??= mkdtempSync(join(tmpdir(), "session-store-sqlite-"))), `${namespace}.db`);
  const readers = new Map<string, Reader>();
  return {
    name: "sqlite",
    newNamespace: () => namespaces.next(),
    storeUrl: (namespace = namespaces.next()) => `sqlite:${pathOf(namespaces.add(namespace))}?table=${namespace}`,
    async inspect(namespace, id) {
      const [file = namespace, table = file] = namespace.split(".");
      const path = pathOf(file);
      if (!readers.has(file) && !existsSync(path)) return undefined;
      let reader = readers.get(file);
      if (!reader) readers.set(file, (reader = await openReader(path)));
      if (reader.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?").get(table) === undefined) return undefined;
      // The store counts expiry in epoch ms by this process's clock, which is this one. `*`, not
      // `revoked`: a table of the first shape has no such column. A revocation is no session.
      const row = reader.prepare(`SELECT * FROM "${table}" WHERE id = ?`).get(id) as StoredRow | null | undefined;
      return row && row.revoked == null ? { expiresInMs: Number(row.expires_at) - Date.now() } : undefined;
    },
    async cleanup() {
      for (const reader of readers.values()) reader.close();
      readers.clear();
      namespaces.take();
      if (dir) rmSync(dir, { recursive: true, force: true });
      dir = undefined;
    },
  };
}

/** A row of a SqliteStore table, of either shape (`revoked` arrived with session management). */
interface StoredRow {
  readonly expires_at: number | bigint;
  readonly revoked?: number | null;
}

/** What inspect needs of a database: better-sqlite3's and bun:sqlite's both have it. */
interface Reader {
  prepare(sql: string): { get(...values: unknown[]): unknown };
  close(): void;
}

/** A reader over the file: bun:sqlite under Bun (which cannot load better-sqlite3), else better-sqlite3. */
async function openReader(path: string): Promise<Reader> {
  if (process.versions.bun) {
    const bunSqlite = "bun:sqlite";
    const { Database } = (await import(bunSqlite)) as { Database: new (path: string) => Reader & { exec(sql: string): void } };
    const reader = new Database(path);
    reader.exec("PRAGMA busy_timeout = 5000");
    return reader;
  }
  const { default: BetterSqlite3 } = await import("better-sqlite3");
  return new BetterSqlite3(path, { timeout: 5_000 });
}
