import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import type { Backend } from "./backend.js";
import { namespaceSet } from "./backend.js";

/** One database file per namespace, `<ns>.db` with table `<ns>`, in a temp dir that cleanup deletes. */
export function sqliteBackend(): Backend {
  const namespaces = namespaceSet();
  let dir: string | undefined;
  const pathOf = (namespace: string) => join((dir ??= mkdtempSync(join(tmpdir(), "session-store-sqlite-"))), `${namespace}.db`);
  const readers = new Map<string, BetterSqlite3.Database>();
  return {
    name: "sqlite",
    newNamespace: () => namespaces.next(),
    storeUrl: (namespace = namespaces.next()) => `sqlite:${pathOf(namespaces.add(namespace))}?table=${namespace}`,
    async inspect(namespace, id) {
      const [file = namespace, table = file] = namespace.split(".");
      const path = pathOf(file);
      if (!readers.has(file) && !existsSync(path)) return undefined;
      let reader = readers.get(file);
      if (!reader) readers.set(file, (reader = new BetterSqlite3(path, { timeout: 5_000 })));
      if (reader.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?").get(table) === undefined) return undefined;
      // The store counts expiry in epoch ms by this process's clock, which is this one.
      const expiresAt = reader.prepare<[string], number>(`SELECT expires_at FROM "${table}" WHERE id = ?`).pluck().get(id);
      return expiresAt === undefined ? undefined : { expiresInMs: expiresAt - Date.now() };
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
