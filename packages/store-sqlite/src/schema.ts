import { checkIdentifier } from "@session-store/core";

/** The table name used when none is given. */
export const DEFAULT_TABLE = "sessions";

/** `name` checked and double-quoted, ready to put in SQL. */
export function quoteIdentifier(name: string, what = "table"): string {
  // checkIdentifier refuses quotes, so wrapping it in quotes is all the escaping needed.
  return `"${checkIdentifier(name, what)}"`;
}

/**
 * The DDL a `SqliteStore` runs on first use (unless `createTable: false`), as text
 * for operators who create the table themselves. `expires_at` is epoch ms from the
 * app's clock (`Date.now()`); the index lets `sweep()` find expired rows without a
 * full scan. The store's statements need the rowid, so keep it a rowid table (no
 * `WITHOUT ROWID`).
 */
export function sqliteSchema(table: string = DEFAULT_TABLE): string {
  const name = quoteIdentifier(table);
  const index = quoteIdentifier(`${table}_expires_at`, "index name");
  return [
    `CREATE TABLE IF NOT EXISTS ${name} (`,
    `  id TEXT PRIMARY KEY NOT NULL,`,
    `  data BLOB NOT NULL,`,
    `  expires_at INTEGER NOT NULL`,
    `);`,
    `CREATE INDEX IF NOT EXISTS ${index} ON ${name} (expires_at);`,
    ``,
  ].join("\n");
}
