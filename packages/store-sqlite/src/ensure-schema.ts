import { quoteIdentifier } from "@session-store/core/adapter";
import type { SqliteDatabase } from "./drivers/driver.js";
import { MANAGEMENT_COLUMNS, ownerIndexSql, tableSql } from "./schema.js";
import { immediateTransaction } from "./transaction.js";

/**
 * Creates the table and its indexes when missing, and brings a table of the first shape
 * (id, data, expires_at) up to today's: the nullable columns are added (a schema-only
 * change in SQLite, however many rows), then the owner index is built (one pass over
 * the table, once). The columns are checked again under the write lock, so processes
 * opening the same file at once add each column exactly once.
 */
export function ensureSchema(db: SqliteDatabase, table: string): void {
  db.exec(tableSql(table));
  if (missingColumns(db, table).length > 0) {
    immediateTransaction(db, () => {
      const name = quoteIdentifier(table, "table");
      for (const column of missingColumns(db, table)) db.exec(`ALTER TABLE ${name} ADD COLUMN ${column.name} ${column.type}`);
    });
  }
  db.exec(ownerIndexSql(table));
}

/** The management columns `table` does not have yet. */
function missingColumns(db: SqliteDatabase, table: string): typeof MANAGEMENT_COLUMNS {
  const rows = db.prepare("SELECT name FROM pragma_table_info(?)").all(table) as { name: string }[];
  const present = new Set(rows.map((row) => row.name));
  return MANAGEMENT_COLUMNS.filter((column) => !present.has(column.name));
}
