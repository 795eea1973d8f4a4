import { quoteIdentifier } from "@session-store/core/adapter";

/** The table name used when none is given. */
export const DEFAULT_TABLE = "sessions";

/**
 * The columns session management added to the first shape of the table (id, data,
 * expires_at): nullable and without a default, so `ALTER TABLE ... ADD COLUMN` only
 * rewrites the schema, never the rows. `owner`: who the session is filed under, or
 * NULL. `revoked`: NULL for a session, 1 for a revocation, whose data is empty and
 * whose expires_at is when it ends.
 */
export const MANAGEMENT_COLUMNS: readonly { readonly name: string; readonly type: string }[] = [
  { name: "owner", type: "TEXT" },
  { name: "revoked", type: "INTEGER" },
];

/**
 * The DDL a `SqliteStore` runs on first use (unless `createTable: false`), as text
 * for operators who create the table themselves. `expires_at` is epoch ms from the
 * app's clock (`Date.now()`); its index lets `sweep()` find expired rows without a
 * full scan, and the partial index on `owner` lets `sessionsOf` / `removeSessionsOf`
 * read only the owner's rows while sessions without an owner cost it nothing. The
 * store's statements need the rowid, so keep it a rowid table (no `WITHOUT ROWID`).
 * For a table of the first shape, see `upgradeSql`.
 */
export function schemaSql(table: string = DEFAULT_TABLE): string {
  return `${tableSql(table)}${ownerIndexSql(table)}\n`;
}

/**
 * What brings a table of the first shape (id, data, expires_at) to today's: the two
 * columns and the owner index. Run once, by the operator, when the store has
 * `createTable: false`; with `createTable: true` the store does it itself.
 */
export function upgradeSql(table: string = DEFAULT_TABLE): string {
  const name = quoteIdentifier(table, "table");
  const columns = MANAGEMENT_COLUMNS.map((column) => `ALTER TABLE ${name} ADD COLUMN ${column.name} ${column.type};\n`);
  return `${columns.join("")}${ownerIndexSql(table)}\n`;
}

/** The table in today's shape and its expiry index, each created only when missing. */
export function tableSql(table: string): string {
  const name = quoteIdentifier(table, "table");
  return [
    `CREATE TABLE IF NOT EXISTS ${name} (`,
    `  id TEXT PRIMARY KEY NOT NULL,`,
    `  data BLOB NOT NULL,`,
    `  expires_at INTEGER NOT NULL,`,
    ...MANAGEMENT_COLUMNS.map((column, i) => `  ${column.name} ${column.type}${i < MANAGEMENT_COLUMNS.length - 1 ? "," : ""}`),
    `);`,
    `CREATE INDEX IF NOT EXISTS ${indexName(table, "expires_at")} ON ${name} (expires_at);`,
    ``,
  ].join("\n");
}

/** The partial index on owner: rows without an owner are not in it. */
export function ownerIndexSql(table: string): string {
  const name = quoteIdentifier(table, "table");
  return `CREATE INDEX IF NOT EXISTS ${indexName(table, "owner")} ON ${name} (owner) WHERE owner IS NOT NULL;`;
}

/**
 * An index's quoted name. Built from the checked table name, so it needs no check of
 * its own; quoted here because it may exceed the 63 characters quoteIdentifier allows.
 */
function indexName(table: string, column: string): string {
  return `"${table}_${column}"`;
}
