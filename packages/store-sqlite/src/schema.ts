import { quoteIdentifier } from "@session-store/core/adapter";

/** The table name used when none is given. */
export const DEFAULT_TABLE = "sessions";

/**
 * The DDL a `SqliteStore` runs on first use (unless `createTable: false`), as text
 * for operators who create the table themselves. `expires_at` is epoch ms from the
 * app's clock (`Date.now()`); the index lets `sweep()` find expired rows without a
 * full scan. The store's statements need the rowid, so keep it a rowid table (no
 * `WITHOUT ROWID`).
 */
export function schemaSql(table: string = DEFAULT_TABLE): string {
  const name = quoteIdentifier(table, "table");
  // Built from the checked table name, so it needs no check of its own; quoted here
  // because it may exceed the 63 characters quoteIdentifier allows.
  const index = `"${table}_expires_at"`;
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
