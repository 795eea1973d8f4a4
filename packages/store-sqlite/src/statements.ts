import { quoteIdentifier } from "@session-store/core/adapter";

/** The SQL of every statement the store runs, prepared once per store. Ids and times are always bound parameters. */
export interface Statements {
  /** (id, now) -> data of the live row, or no row. The store plucks the one column. */
  readonly load: string;
  /** (id, data, expiresAt): insert or replace data and expiry in one statement. */
  readonly store: string;
  /** (id) -> the deleted row's expires_at, or no row when there was none. The store plucks the one column. */
  readonly remove: string;
  /** (expiresAt, id, now): moves a live row's expiry; `changes` is 1 when it was live. */
  readonly touch: string;
  /** (now, limit): deletes up to `limit` expired rows. */
  readonly sweep: string;
}

/** The statements over `table`, as text. */
export function statementsFor(table: string): Statements {
  const t = quoteIdentifier(table, "table");
  return {
    load: `SELECT data FROM ${t} WHERE id = ? AND expires_at > ?`,
    store: `INSERT INTO ${t} (id, data, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at`,
    remove: `DELETE FROM ${t} WHERE id = ? RETURNING expires_at`,
    touch: `UPDATE ${t} SET expires_at = ? WHERE id = ? AND expires_at > ?`,
    // Bounded by rowid so each statement holds the write lock briefly, however many rows expired.
    sweep: `DELETE FROM ${t} WHERE rowid IN (SELECT rowid FROM ${t} WHERE expires_at <= ? LIMIT ?)`,
  };
}
